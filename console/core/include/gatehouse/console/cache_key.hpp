// The console cache's key: derived from a guard's password with Argon2id, held only in locked
// memory.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/console/model.hpp"
#include "gatehouse/core/result.hpp"

namespace gatehouse::console {

class CacheKey {
 public:
  static Bytes newSalt();  // random, stored next to the ciphertext
  // Argon2id (libsodium's interactive limits). Fails only when memory runs out or the salt is bad.
  static Result<CacheKey> derive(std::string_view password, const Bytes& salt);

  CacheKey(CacheKey&& other) noexcept;
  CacheKey& operator=(CacheKey&& other) noexcept;
  CacheKey(const CacheKey&) = delete;
  CacheKey& operator=(const CacheKey&) = delete;
  ~CacheKey();  // zeroes and unlocks the key

  Bytes seal(const Bytes& plain) const;           // nonce || secretbox(plain)
  Result<Bytes> open(const Bytes& sealed) const;  // error "cache_key" on a wrong key or tampering

 private:
  CacheKey() = default;
  unsigned char* key_ = nullptr;  // sodium_malloc: locked, guarded, wiped by sodium_free
};

// Overwrites a secret held in a string (e.g. a password once its key is derived), then clears it.
void wipeSecret(std::string& secret);

}  // namespace gatehouse::console
