// libFuzzer entry point: ICAO 9303 MRZ parser on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gatehouse/devices/id_document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = gatehouse::devices::parseMrz(text, gatehouse::devices::Date{2026, 1, 1});
  if (r) {
    volatile std::size_t n =
        r->surname.size() + r->documentNumber.size() + static_cast<std::size_t>(r->expired);
    (void)n;
  }
  (void)gatehouse::devices::mrzCheckDigit(text);
  return 0;
}
