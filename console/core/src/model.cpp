// The model's helpers: kiosk status, queue order, time and duration formats.
#include "gatehouse/console/model.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace gatehouse::console {

bool kioskOnline(const std::optional<TimePoint>& lastHeartbeat, TimePoint now,
                 std::chrono::milliseconds offlineAfter) {
  return lastHeartbeat && now - *lastHeartbeat <= offlineAfter;
}

void sortQueue(std::vector<PendingVisit>& queue) {
  std::stable_sort(queue.begin(), queue.end(), [](const PendingVisit& a, const PendingVisit& b) {
    if (a.escalated != b.escalated) return a.escalated;
    if (a.held != b.held) return a.held;
    return a.requestedAt < b.requestedAt;
  });
}

std::string formatTime(TimePoint t, bool withDate) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, withDate ? "%Y-%m-%d %H:%M" : "%H:%M", &tm);
  return buf;
}

std::string formatDuration(double seconds) {
  if (seconds < 0) seconds = 0;
  const auto s = static_cast<long>(seconds);
  if (s < 60) return std::to_string(s) + " s";
  if (s < 3600) return std::to_string(s / 60) + " min";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld h %02ld min", s / 3600, (s % 3600) / 60);
  return buf;
}

}  // namespace gatehouse::console
