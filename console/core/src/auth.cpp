// TOTP (RFC 6238, HMAC-SHA1 from OpenSSL) for authenticator set-up and tests; the server checks
// the codes at sign-in.
#include "gatehouse/console/auth.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>

namespace gatehouse::console {

std::optional<std::vector<std::uint8_t>> base32Decode(const std::string& text) {
  std::vector<std::uint8_t> out;
  unsigned buffer = 0;
  int bits = 0;
  for (char ch : text) {
    if (ch == '=' || ch == ' ' || ch == '-') continue;
    const int c = std::toupper(static_cast<unsigned char>(ch));
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= '2' && c <= '7') {
      v = c - '2' + 26;
    } else {
      return std::nullopt;
    }
    buffer = (buffer << 5) | static_cast<unsigned>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>((buffer >> (bits - 8)) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::string totpCode(const std::vector<std::uint8_t>& key, std::int64_t unixSeconds, int digits) {
  std::uint64_t counter = static_cast<std::uint64_t>(unixSeconds / 30);
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), msg, sizeof msg, mac, &len);
  const int offset = mac[len - 1] & 0x0F;
  const std::uint32_t bin = (static_cast<std::uint32_t>(mac[offset] & 0x7F) << 24) |
                            (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                            (static_cast<std::uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  std::uint32_t mod = 1;
  for (int i = 0; i < digits; ++i) mod *= 10;
  std::string code = std::to_string(bin % mod);
  return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

bool verifyTotp(const std::string& base32Secret, const std::string& code,
                std::int64_t unixSeconds) {
  auto key = base32Decode(base32Secret);
  if (!key || key->empty() || code.size() != 6) return false;
  for (int step = -1; step <= 1; ++step) {
    if (totpCode(*key, unixSeconds + step * 30) == code) return true;
  }
  return false;
}

}  // namespace gatehouse::console
