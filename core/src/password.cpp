// Argon2id hashing and random tokens on libsodium.
#include "gatehouse/core/password.hpp"

#include <sodium.h>

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

std::string randomToken(std::size_t bytes) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  std::vector<std::uint8_t> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return base64urlEncode(buf);
}

}  // namespace gatehouse
