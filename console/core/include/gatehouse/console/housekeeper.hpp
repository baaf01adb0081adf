// The background job behind gatehouse-worker: escalation, expiry, overstay and kiosk-offline
// alerts, so they fire with no console open, and the retention purge. Runs on a timer and early on
// NOTIFY.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/backend/worker_client.hpp"
#include "gatehouse/core/clock.hpp"

namespace gatehouse::console {

using HousekeepingResult = backend::HousekeepingResult;

// One pass of gh.console_housekeeping (idempotent; several workers may run it).
HousekeepingResult runHousekeeping(backend::Connection& conn, std::chrono::seconds kioskStale);

struct WorkerOptions {
  std::chrono::milliseconds interval{5000};
  std::chrono::seconds kioskStale{60};
  std::function<void(const std::string&)>
      log;  // one line per pass that changed something (and errors when `warn` is empty)
  // Retention purge (gh.purge_batch): on the first pass, then every `purgeEvery` of `clock`
  // time, in batches of `purgeBatch` rows; zero `purgeEvery` turns it off.
  const Clock* clock = &SystemClock::instance();
  std::chrono::seconds purgeEvery{600};
  int purgeBatch = 100;
  std::function<void(const std::string&)> warn = {};  // a failed pass (database down, SQL error)
};

// Runs passes until stop() is called: every `interval`, and at once after a visit notification.
class Housekeeper {
 public:
  Housekeeper(std::string databaseUrl, WorkerOptions options);
  void run();
  void stop();
  void wake();
  // Called after every pass (true when it succeeded): gatehouse-worker's readiness and watchdog.
  // Set before run().
  void setAfterPass(std::function<void(bool)> fn) { afterPass_ = std::move(fn); }
  int passes() const { return passes_.load(); }

 private:
  std::string url_;
  WorkerOptions options_;
  std::mutex m_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  std::atomic<int> passes_{0};
  std::optional<Clock::time_point> lastPurge_;
  void purgeIfDue(backend::Connection& conn);
  std::function<void(bool)> afterPass_;
};

}  // namespace gatehouse::console
