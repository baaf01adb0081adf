// The one place a document number becomes the value stored and matched (never the number itself).
#pragma once
#include <string>
#include <string_view>

#include "gatehouse/core/result.hpp"

namespace gatehouse {

// HMAC-SHA256 keyed with the estate's pepper (the `document-pepper` credential, never in the
// database) over sha256hex of the normalised number (upper case; spaces, '-' and the MRZ filler
// '<' dropped), as lowercase hex. Over the digest rather than the number so rows stored before
// the pepper existed can be rehashed from their old sha256 digests (rekeyDocumentDigest).
std::string documentHash(std::string_view pepper, std::string_view number);
// HMAC-SHA256(pepper, an old unkeyed sha256 hex digest): what documentHash gives for its number.
std::string rekeyDocumentDigest(std::string_view pepper, std::string_view sha256hex);

// A pepper file: at least 32 bytes (one trailing newline dropped). Errors: "pepper_unreadable",
// "pepper_too_short".
Result<std::string> readDocumentPepper(const std::string& path);
// A new random pepper (32 bytes as base64url), for `gatehouse-admin seed-demo` and provisioning.
std::string newDocumentPepper();

}  // namespace gatehouse
