// Keyed document-number hashing (HMAC-SHA256 with the estate's pepper) for storage and lookup.
#include "gatehouse/core/document_hash.hpp"

#include <sodium.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "gatehouse/core/base64url.hpp"
#include "gatehouse/core/password.hpp"

namespace gatehouse {

std::string rekeyDocumentDigest(std::string_view pepper, std::string_view sha256hex) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(pepper.data()),
                              pepper.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(sha256hex.data()),
                                sha256hex.size());
  crypto_auth_hmacsha256_final(&st, mac);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (const unsigned char b : mac) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 0xF]);
  }
  return out;
}

std::string documentHash(std::string_view pepper, std::string_view number) {
  std::string norm;
  for (const char ch : number) {
    if (ch == ' ' || ch == '-' || ch == '<') continue;
    norm.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  }
  return rekeyDocumentDigest(pepper, sha256Hex(norm));
}

Result<std::string> readDocumentPepper(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream body;
  if (!in || !(body << in.rdbuf()))
    return makeError("pepper_unreadable", "cannot read the document pepper file " + path);
  std::string s = body.str();
  if (!s.empty() && s.back() == '\n') s.pop_back();
  if (s.size() < 32)
    return makeError("pepper_too_short",
                     "the document pepper in " + path + " must be at least 32 bytes");
  return s;
}

std::string newDocumentPepper() { return randomToken(32); }

}  // namespace gatehouse
