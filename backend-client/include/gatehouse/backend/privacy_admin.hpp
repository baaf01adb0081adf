// gatehouse-admin's privacy and evidence subcommands, kept apart from the other commands.
#pragma once
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"

namespace gatehouse::backend {

extern const char* const kPrivacyUsage;

// Runs the command in positional[0] if it is one of ours and returns its exit code; nullopt
// if the command is not ours. Bad options throw std::invalid_argument.
std::optional<int> runPrivacyCommand(Connection& c, const std::vector<std::string>& positional,
                                     const std::map<std::string, std::string>& options,
                                     std::ostream& out);

}  // namespace gatehouse::backend
