// The one place a document number becomes the value stored and matched (never the number itself).
#pragma once
#include <string>
#include <string_view>

namespace gatehouse {

// Normalises (upper case; spaces, '-' and MRZ filler '<' dropped) and hashes a document number.
// Today sha256 hex; becoming a keyed hash (HMAC with a pepper) changes only this function.
std::string documentHash(std::string_view number);

}  // namespace gatehouse
