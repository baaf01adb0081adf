// Timestamps cross into SQL as ISO-8601 UTC text and come back as epoch seconds or ms.
#pragma once
#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "gatehouse/backend/connection.hpp"

namespace gatehouse::backend::detail {

inline std::string toSqlTimestamp(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  if (t.time_since_epoch().count() == 0) t = system_clock::now();
  const auto us = duration_cast<microseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(us % 1000000));
  return buf;
}

inline std::chrono::system_clock::time_point fromEpoch(double seconds) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::duration<double>(seconds)));
}

// Columns selected as `(extract(epoch FROM t) * 1000)::bigint` (milliseconds).
inline std::chrono::system_clock::time_point fromMs(std::int64_t ms) {
  return std::chrono::system_clock::time_point{std::chrono::milliseconds(ms)};
}
inline std::optional<std::chrono::system_clock::time_point> optMs(const Row& r,
                                                                  std::string_view col) {
  auto v = r.optInt64(col);
  if (!v) return std::nullopt;
  return fromMs(*v);
}

}  // namespace gatehouse::backend::detail
