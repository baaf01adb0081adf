// libFuzzer entry point: the invitation pass and exit token parsers from core (QR payloads).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gatehouse/core/pass.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = gatehouse::parsePass(text);
  if (p) {
    volatile std::size_t n = p->guestName.size() + p->unitLabel.size();
    (void)n;
  }
  (void)gatehouse::parseExitToken(text);
  return 0;
}
