// How the server writes JSON: one serialiser and the values its records share (times as
// milliseconds since the epoch, absent values as null), so a record lists each field once.
#pragma once
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gatehouse/core/uuid.hpp"

namespace gatehouse::portal {

using json = nlohmann::json;
using JsonTime = std::chrono::system_clock::time_point;  // backend::TimePoint

// Compact JSON text. Text that is not UTF-8 (a name from a kiosk, card data) comes out with
// U+FFFD in place of the bad bytes instead of throwing; everything else is escaped by the
// library (quotes, backslashes, control characters), non-ASCII kept as UTF-8.
std::string dumpJson(const json& j);

std::int64_t msOf(JsonTime t);
json msOrNull(const std::optional<JsonTime>& t);
json orNull(const std::optional<Uuid>& v);
template <typename T>
json orNull(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace gatehouse::portal
