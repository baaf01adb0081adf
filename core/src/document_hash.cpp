// Document-number hashing for storage and lookup.
#include "gatehouse/core/document_hash.hpp"

#include <cctype>

#include "gatehouse/core/base64url.hpp"

namespace gatehouse {

std::string documentHash(std::string_view number) {
  std::string norm;
  for (const char ch : number) {
    if (ch == ' ' || ch == '-' || ch == '<') continue;
    norm.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  }
  return sha256Hex(norm);
}

}  // namespace gatehouse
