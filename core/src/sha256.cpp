// Streaming SHA-256 with libsodium.
#include "gatehouse/core/sha256.hpp"

#include <sodium.h>

#include <array>
#include <cstdio>
#include <fstream>

namespace gatehouse {

Result<std::string> sha256File(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError("unreadable", "cannot open " + path);
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  std::array<char, 1 << 16> buf{};
  while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buf.data()),
                              static_cast<unsigned long long>(in.gcount()));
    if (in.eof()) break;
  }
  if (in.bad()) return makeError("unreadable", "cannot read " + path);
  std::array<unsigned char, crypto_hash_sha256_BYTES> out{};
  crypto_hash_sha256_final(&st, out.data());
  std::string hex;
  char two[3];
  for (auto b : out) {
    std::snprintf(two, sizeof two, "%02x", b);
    hex += two;
  }
  return hex;
}

}  // namespace gatehouse
