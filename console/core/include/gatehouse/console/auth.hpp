// TOTP (RFC 6238) helpers: what an authenticator app computes. The console no longer signs in
// itself: the server checks password and code (POST /api/login).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::console {

// RFC 4648 base32 (case-insensitive, '=' and spaces ignored); nullopt if malformed.
std::optional<std::vector<std::uint8_t>> base32Decode(const std::string& text);
// RFC 6238 TOTP with HMAC-SHA1, 30 s steps, `digits` digits (what authenticator apps use).
std::string totpCode(const std::vector<std::uint8_t>& key, std::int64_t unixSeconds,
                     int digits = 6);
// Accepts the code for the current step or one step either side (clock drift).
bool verifyTotp(const std::string& base32Secret, const std::string& code, std::int64_t unixSeconds);

}  // namespace gatehouse::console
