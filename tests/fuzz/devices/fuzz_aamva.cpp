// libFuzzer entry point: AAMVA parser on arbitrary bytes (also replayed under gcc by ctest).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gatehouse/devices/id_document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = gatehouse::devices::parseAamva(text, gatehouse::devices::Date{2026, 1, 1});
  if (r) {
    // Touch the result: sanitizers see any bad memory behind it.
    volatile std::size_t n = r->familyName.size() + r->elements.size() + r->documentNumber.size();
    (void)n;
  }
  auto doc = gatehouse::devices::parseIdDocument(text, gatehouse::devices::Date{2026, 1, 1});
  if (doc) (void)gatehouse::devices::toJson(doc.value());
  return 0;
}
