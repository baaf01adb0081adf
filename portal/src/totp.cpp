// RFC 6238 TOTP for the server's sign-in (OpenSSL HMAC-SHA1, libsodium constant-time compare).
#include "totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <algorithm>
#include <vector>

namespace gatehouse::portal {

namespace {

// RFC 4648 base32 (case-insensitive; spaces, '-' and '=' ignored); nullopt if malformed.
std::optional<std::vector<unsigned char>> base32Decode(const std::string& text) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::vector<unsigned char> out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char ch : text) {
    if (ch == ' ' || ch == '-' || ch == '=') continue;
    auto pos = alphabet.find(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
    if (pos == std::string::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(pos);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<unsigned char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace

std::string totpCode(const std::string& base32Secret, std::int64_t step) {
  auto key = base32Decode(base32Secret);
  if (!key || key->empty()) return "";
  unsigned char msg[8];
  auto counter = static_cast<std::uint64_t>(step);
  for (int i = 7; i >= 0; --i, counter >>= 8) msg[i] = static_cast<unsigned char>(counter & 0xFF);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key->data(), static_cast<int>(key->size()), msg, sizeof msg, mac, &len);
  const int offset = mac[len - 1] & 0x0F;
  const std::uint32_t bin = (static_cast<std::uint32_t>(mac[offset] & 0x7F) << 24) |
                            (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                            (static_cast<std::uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  std::string code = std::to_string(bin % 1000000);
  return std::string(6 - code.size(), '0') + code;
}

std::optional<std::int64_t> matchTotp(const std::string& base32Secret, const std::string& code,
                                      std::int64_t unixSeconds) {
  const bool digits = code.size() == 6 && std::all_of(code.begin(), code.end(),
                                                      [](char c) { return c >= '0' && c <= '9'; });
  const std::int64_t now = unixSeconds / 30;
  std::optional<std::int64_t> matched;
  for (std::int64_t step = now - 1; step <= now + 1; ++step) {  // no early exit
    const std::string expected = totpCode(base32Secret, step);
    const bool same =
        digits && expected.size() == 6 && sodium_memcmp(expected.data(), code.data(), 6) == 0;
    if (same) matched = step;
  }
  return matched;
}

}  // namespace gatehouse::portal
