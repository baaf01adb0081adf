// RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits) as the server checks it (internal).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace gatehouse::portal {

// The code of `step` for a base32 secret; "" when the secret is malformed.
std::string totpCode(const std::string& base32Secret, std::int64_t step);
// The step (of now-1, now, now+1) whose code equals `code`, compared in constant time over
// all three; nullopt when none does or the code is not 6 digits.
std::optional<std::int64_t> matchTotp(const std::string& base32Secret, const std::string& code,
                                      std::int64_t unixSeconds);

}  // namespace gatehouse::portal
