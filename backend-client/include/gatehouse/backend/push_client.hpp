// PushClient: Web Push subscriptions, for the resident who owns them (as that person) and for
// the server's push threads (targets of a notification, the outcome of each send).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/backend/staff_client.hpp"

namespace gatehouse::backend {

struct PushTarget {
  std::int64_t subscriptionId = 0;
  std::int64_t personId = 0;
  std::string endpoint;
  std::string p256dh;
  std::string auth;
};

struct PushSubscriptionInfo {
  std::int64_t id = 0;
  std::string label;
  TimePoint createdAt{};
  std::optional<TimePoint> lastSuccessAt;
  std::optional<std::string> lastError;
  int failures = 0;
};

// One device a notification goes to, with what it says.
struct PushDelivery {
  PushTarget target;
  std::string kind;
  std::string payloadJson;
};

class PushClient {
 public:
  explicit PushClient(Connection& c) : c_(c) {}

  // As the acting person (Connection::asPerson): their own subscriptions.
  std::vector<PushSubscriptionInfo> subscriptions();
  std::int64_t subscribe(const std::string& endpoint, const std::string& p256dh,
                         const std::string& auth, const std::string& label);
  bool unsubscribe(std::int64_t subscriptionId);  // false when it was not theirs
  std::optional<PushTarget> ownTarget(std::int64_t subscriptionId);

  // As the server's push threads.
  std::vector<PushDelivery> targets(std::int64_t notificationId);
  // outcome: ok | gone | failed
  void record(std::int64_t subscriptionId, const std::string& outcome, const std::string& error);

 private:
  Connection& c_;
};

}  // namespace gatehouse::backend
