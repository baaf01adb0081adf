// Talking to the service manager (systemd Type=notify): readiness, reloading, watchdog pings.
#pragma once
#include <chrono>
#include <string>

namespace gatehouse::service {

// Each call is a no-op returning false when not started by systemd ($NOTIFY_SOCKET unset).
bool notifyReady(const std::string& status = "");
bool notifyReloading();
bool notifyStopping();
bool notifyStatus(const std::string& status);
bool notifyWatchdog();

// Half the unit's WatchdogSec (how often to ping), or zero when no watchdog is armed.
std::chrono::milliseconds watchdogInterval();

// For a frame or event loop: call beat() once per iteration. The first beat says READY=1; later
// ones ping the watchdog at most every watchdogInterval(), so a stalled loop gets restarted.
class LoopWatchdog {
 public:
  void beat();

 private:
  bool ready_ = false;
  std::chrono::milliseconds interval_ = watchdogInterval();
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace gatehouse::service
