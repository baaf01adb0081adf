// Argon2id hashing and random tokens on libsodium.
#include "gatehouse/core/password.hpp"

#include <sodium.h>

#include <cstdio>
#include <stdexcept>
#include <vector>

#include "gatehouse/core/base64url.hpp"

namespace gatehouse {
namespace {

std::string hashWith(std::string_view password, unsigned long long ops, std::size_t mem) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("out of memory while hashing a password");
  return out;
}

}  // namespace

std::string hashPassword(std::string_view password) {
  return hashWith(password, crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

std::string hashPasswordFast(std::string_view password) {
  return hashWith(password, crypto_pwhash_OPSLIMIT_MIN, 1 << 16);
}

std::string hashPin(std::string_view pin) {
  static_assert(kPinMemoryBytes >= crypto_pwhash_MEMLIMIT_INTERACTIVE);
  return hashWith(pin, crypto_pwhash_OPSLIMIT_MODERATE, kPinMemoryBytes);
}

bool verifyPassword(std::string_view hash, std::string_view password) {
  if (sodium_init() < 0) return false;
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string h(hash);  // must be NUL-terminated
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

std::optional<std::string> hashPasswordWithSetting(std::string_view setting,
                                                   std::string_view password) {
  if (sodium_init() < 0) return std::nullopt;
  // $argon2id$v=19$m=<KiB>,t=<passes>,p=1$<salt, base64 without padding>$
  const std::string s(setting);
  const std::string prefix = "$argon2id$v=19$m=";
  if (s.rfind(prefix, 0) != 0 || s.size() < prefix.size() + 8 || s.back() != '$')
    return std::nullopt;
  unsigned long long mKiB = 0, passes = 0;
  int lanes = 0, used = 0;
  if (std::sscanf(s.c_str() + prefix.size(), "%llu,t=%llu,p=%d$%n", &mKiB, &passes, &lanes,
                  &used) != 3 ||
      used == 0 || lanes != 1)
    return std::nullopt;
  const std::size_t saltStart = prefix.size() + static_cast<std::size_t>(used);
  const std::string saltB64 = s.substr(saltStart, s.size() - saltStart - 1);
  unsigned char salt[crypto_pwhash_SALTBYTES];
  std::size_t saltLen = 0;
  if (sodium_base642bin(salt, sizeof salt, saltB64.data(), saltB64.size(), nullptr, &saltLen,
                        nullptr, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
      saltLen != sizeof salt)
    return std::nullopt;
  unsigned char out[32];  // libsodium's crypto_pwhash_str hash length
  if (crypto_pwhash(out, sizeof out, password.data(), password.size(), salt, passes,
                    static_cast<std::size_t>(mKiB) * 1024u, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return std::nullopt;
  char b64[sodium_base64_ENCODED_LEN(sizeof out, sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, out, sizeof out, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  return s + b64;
}

std::string randomToken(std::size_t bytes) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  std::vector<std::uint8_t> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return base64urlEncode(buf);
}

}  // namespace gatehouse
