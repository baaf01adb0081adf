// 128-bit identifiers generated on the client (idempotency keys for visits and events).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

struct Uuid {
  std::array<std::uint8_t, 16> bytes{};

  static Uuid random();                                     // version 4, from the OS CSPRNG
  static std::optional<Uuid> parse(std::string_view text);  // canonical 8-4-4-4-12 hex form
  std::string toString() const;
  bool isNil() const;
  friend bool operator==(const Uuid&, const Uuid&) = default;
  friend auto operator<=>(const Uuid&, const Uuid&) = default;
};

}  // namespace gatehouse
