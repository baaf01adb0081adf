// DeliveryClient: the server's e-mail and webhook outbox (claim due deliveries, record each).
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"

namespace gatehouse::backend {

// One due delivery of a notification to one channel.
struct Delivery {
  std::int64_t id = 0;
  std::int64_t notificationId = 0;
  std::int64_t personId = 0;
  std::string channel;  // email | webhook
  std::string target;   // address or URL
  int attempts = 0;     // including this one
  std::string kind;
  std::string payloadJson;
  std::string fullName;
  std::string unitLabel;
};

class DeliveryClient {
 public:
  explicit DeliveryClient(Connection& c) : c_(c) {}

  // Leases up to `limit` due deliveries for `lease` (another server takes them after).
  std::vector<Delivery> claim(int limit, std::chrono::seconds lease);
  // Sent (`error` empty), retried after `retryIn`, or given up after `maxAttempts`.
  void done(std::int64_t id, const std::string& error, std::chrono::duration<double> retryIn,
            int maxAttempts);

 private:
  Connection& c_;
};

}  // namespace gatehouse::backend
