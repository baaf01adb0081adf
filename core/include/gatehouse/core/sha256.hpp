// SHA-256 of a file as lowercase hex (backup manifests, checksummed artefacts).
#pragma once
#include <string>

#include "gatehouse/core/result.hpp"

namespace gatehouse {

// Errors: "unreadable" when the file cannot be opened or read.
Result<std::string> sha256File(const std::string& path);

}  // namespace gatehouse
