// The resident-side queries of the server, run as one resident (row-level security applies).
// Typed results with one time type (system_clock). Resources move here one by one; so far:
// notifications.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"

namespace gatehouse::backend {

struct ResidentNotification {
  std::int64_t id = 0;
  std::string kind;
  std::string payloadJson;  // the notification's JSON payload, as stored
  std::chrono::system_clock::time_point createdAt;
  bool read = false;
};

class ResidentClient {
 public:
  // `c` must already act as the resident (Connection::asPerson).
  explicit ResidentClient(Connection& c) : c_(c) {}

  std::vector<ResidentNotification> notifications(int limit = 50);
  std::int64_t unreadCount();
  // Marks all unread (all = true) or those of `ids` as read.
  void markRead(bool all, const std::vector<std::int64_t>& ids);

 private:
  Connection& c_;
};

}  // namespace gatehouse::backend
