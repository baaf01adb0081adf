// CacheKey on libsodium: crypto_pwhash (Argon2id) for the key, crypto_secretbox for the data.
#include "gatehouse/console/cache_key.hpp"

#include <sodium.h>

#include <stdexcept>
#include <utility>

namespace gatehouse::console {

namespace {
void init() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}
}  // namespace

Bytes CacheKey::newSalt() {
  init();
  Bytes salt(crypto_pwhash_SALTBYTES);
  randombytes_buf(salt.data(), salt.size());
  return salt;
}

Result<CacheKey> CacheKey::derive(std::string_view password, const Bytes& salt) {
  init();
  if (salt.size() != crypto_pwhash_SALTBYTES) return makeError("cache_key", "bad cache salt");
  CacheKey k;
  k.key_ = static_cast<unsigned char*>(sodium_malloc(crypto_secretbox_KEYBYTES));
  if (!k.key_) return makeError("cache_key", "no memory for the cache key");
  if (crypto_pwhash(k.key_, crypto_secretbox_KEYBYTES, password.data(), password.size(),
                    salt.data(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                    crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return makeError("cache_key", "not enough memory to derive the cache key");
  }
  return k;
}

CacheKey::CacheKey(CacheKey&& other) noexcept : key_(std::exchange(other.key_, nullptr)) {}

CacheKey& CacheKey::operator=(CacheKey&& other) noexcept {
  if (this != &other) {
    if (key_) sodium_free(key_);
    key_ = std::exchange(other.key_, nullptr);
  }
  return *this;
}

CacheKey::~CacheKey() {
  if (key_) sodium_free(key_);
}

Bytes CacheKey::seal(const Bytes& plain) const {
  Bytes out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size());
  randombytes_buf(out.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out.data() + crypto_secretbox_NONCEBYTES, plain.data(), plain.size(),
                        out.data(), key_);
  return out;
}

Result<Bytes> CacheKey::open(const Bytes& sealed) const {
  if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return makeError("cache_key", "the cache entry is truncated");
  Bytes out(sealed.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES);
  if (crypto_secretbox_open_easy(out.data(), sealed.data() + crypto_secretbox_NONCEBYTES,
                                 sealed.size() - crypto_secretbox_NONCEBYTES, sealed.data(),
                                 key_) != 0) {
    return makeError("cache_key", "wrong password or a damaged cache");
  }
  return out;
}

void wipeSecret(std::string& secret) {
  if (!secret.empty()) sodium_memzero(secret.data(), secret.size());
  secret.clear();
}

}  // namespace gatehouse::console
