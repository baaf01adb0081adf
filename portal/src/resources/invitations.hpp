// Invitation pieces the guest resource reuses.
#pragma once
#include <optional>
#include <string>

#include "../context.hpp"
#include "gatehouse/core/uuid.hpp"

namespace gatehouse::portal {

// The signed pass text of one of the acting person's unit's invitations (the secret comes
// from the server's credential file, never from the database); nullopt when not theirs.
std::optional<std::string> passText(const Context& ctx, backend::Connection& c, const Uuid& id);

}  // namespace gatehouse::portal
