// WorkerClient: what gatehouse-worker runs (one idempotent housekeeping pass).
#pragma once
#include <chrono>

#include "gatehouse/backend/connection.hpp"

namespace gatehouse::backend {

struct HousekeepingResult {
  int escalated = 0;
  int expired = 0;
  int overstays = 0;
  int kiosksOffline = 0;
};

class WorkerClient {
 public:
  explicit WorkerClient(Connection& c) : c_(c) {}
  // One pass of gh.console_housekeeping (several workers may run it at once).
  HousekeepingResult housekeeping(std::chrono::seconds kioskStale);

 private:
  Connection& c_;
};

}  // namespace gatehouse::backend
