// base64url without padding (RFC 4648 §5): compact, QR- and URL-safe.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse {

std::string base64urlEncode(const std::uint8_t* data, std::size_t size);
inline std::string base64urlEncode(const std::vector<std::uint8_t>& bytes) {
  return base64urlEncode(bytes.data(), bytes.size());
}
// nullopt on any character outside the alphabet or an impossible length.
std::optional<std::vector<std::uint8_t>> base64urlDecode(std::string_view text);

std::string hexEncode(const std::uint8_t* data, std::size_t size);
std::string sha256Hex(std::string_view data);

}  // namespace gatehouse
