// Guard/admin sign-in: Argon2id password, then TOTP (RFC 6238) when enabled, both verified by
// the database (gh.staff_auth_begin/finish) so the console never reads hashes or TOTP secrets.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/console/model.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/result.hpp"

namespace gatehouse::console {

// RFC 4648 base32 (case-insensitive, '=' and spaces ignored); nullopt if malformed.
std::optional<std::vector<std::uint8_t>> base32Decode(const std::string& text);
// RFC 6238 TOTP with HMAC-SHA1, 30 s steps, `digits` digits (what authenticator apps use).
std::string totpCode(const std::vector<std::uint8_t>& key, std::int64_t unixSeconds,
                     int digits = 6);
// Accepts the code for the current step or one step either side (clock drift).
bool verifyTotp(const std::string& base32Secret, const std::string& code, std::int64_t unixSeconds);

struct SignInRequest {
  std::string email;
  std::string password;
  std::string totp;  // empty when the person has no second factor
};

// Error codes: bad_credentials (unknown email, wrong password, not staff: the same answer),
// locked (too many failures), totp_required (password ok, ask for a code), bad_totp.
// Every attempt is recorded by the database (counts failures, audits the login). The TOTP step
// is the database's clock; `clock` is kept for callers and no longer consulted.
Result<Session> signIn(backend::Connection& conn, const SignInRequest& request, const Clock& clock);

}  // namespace gatehouse::console
