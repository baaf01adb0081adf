// Argon2id password (and PIN) hashing via libsodium's crypto_pwhash_str.
#pragma once
#include <string>
#include <string_view>

namespace gatehouse {

// Interactive limits (~0.1 s, 64 MiB) for people signing in. Output is self-describing
// ("$argon2id$v=19$m=...,t=...,p=1$salt$hash") so limits can rise later.
std::string hashPassword(std::string_view password);
// Lighter limits, for the test suite and seeding many demo users quickly.
std::string hashPasswordFast(std::string_view password);
bool verifyPassword(std::string_view hash, std::string_view password);
// The hash of a guard PIN that kiosks cache for offline approval: Argon2id with at least
// kPinMemoryBytes (64 MiB) and 3 passes, so each guess at a 6-digit PIN costs that much.
inline constexpr std::size_t kPinMemoryBytes = std::size_t{64} << 20;
std::string hashPin(std::string_view pin);
// Random URL-safe token with `bytes` of entropy (sessions, kiosk tokens, magic links).
std::string randomToken(std::size_t bytes = 32);

}  // namespace gatehouse
