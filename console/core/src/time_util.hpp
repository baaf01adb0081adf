// Reading timestamps the console selects as epoch seconds (float8), so no text parsing is needed.
#pragma once
#include <chrono>
#include <optional>
#include <string_view>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/console/model.hpp"

namespace gatehouse::console::detail {

inline TimePoint fromEpoch(double seconds) {
  return TimePoint{
      std::chrono::duration_cast<TimePoint::duration>(std::chrono::duration<double>(seconds))};
}
inline double toEpoch(TimePoint t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}
inline std::optional<TimePoint> optTime(const backend::Row& r, std::string_view col) {
  if (r.isNull(col)) return std::nullopt;
  return fromEpoch(r.float64(col));
}
inline TimePoint time(const backend::Row& r, std::string_view col) {
  return fromEpoch(r.float64(col));
}
inline std::optional<std::string> epochParam(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return std::to_string(toEpoch(*t));
}

}  // namespace gatehouse::console::detail
