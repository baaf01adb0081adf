// gatehouse-verify: checks an evidence bundle with no database and says what it proves.
#include <iostream>
#include <string>

#include "gatehouse/evidence/bundle.hpp"

using namespace gatehouse::evidence;

int main(int argc, char** argv) {
  std::string dir, keyText;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--public-key" && i + 1 < argc) {
      keyText = argv[++i];
    } else if (a == "-h" || a == "--help") {
      std::cout << "usage: gatehouse-verify BUNDLE_DIR|BUNDLE.tar [--public-key BASE64URL]\n";
      return 0;
    } else if (dir.empty() && a.rfind("--", 0) != 0) {
      dir = a;
    } else {
      std::cerr << "gatehouse-verify: unexpected argument " << a
                << "\nusage: gatehouse-verify BUNDLE_DIR|BUNDLE.tar [--public-key BASE64URL]\n";
      return 2;
    }
  }
  if (dir.empty()) {
    std::cerr << "usage: gatehouse-verify BUNDLE_DIR|BUNDLE.tar [--public-key BASE64URL]\n";
    return 2;
  }
  std::optional<PublicKey> expected;
  if (!keyText.empty()) {
    auto k = decodePublicKey(keyText);
    if (!k) {
      std::cerr << "gatehouse-verify: --public-key: " << k.error().message << "\n";
      return 2;
    }
    expected = *k;
  }
  const auto r = verifyBundle(dir, expected);
  if (!r.ok) {
    std::cout << "REJECTED: " << dir << " cannot be trusted.\n";
    for (const auto& p : r.problems) std::cout << "  - " << p << "\n";
    return 1;
  }
  std::cout << "VERIFIED: " << dir << " (" << r.photos << " photo(s), " << r.links
            << " chain link(s), " << r.purged << " purged item(s) kept as hashes)\n";
  for (const auto& p : r.proven) std::cout << "  - " << p << "\n";
  return 0;
}
