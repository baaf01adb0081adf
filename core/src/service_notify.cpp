// sd_notify wrappers: libsystemd stays out of every header.
#include "gatehouse/core/service_notify.hpp"

#include <systemd/sd-daemon.h>

namespace gatehouse::service {

namespace {
bool send(const std::string& state) { return sd_notify(0, state.c_str()) > 0; }
}  // namespace

bool notifyReady(const std::string& status) {
  return send(status.empty() ? "READY=1" : "READY=1\nSTATUS=" + status);
}
bool notifyReloading() { return send("RELOADING=1"); }
bool notifyStopping() { return send("STOPPING=1"); }
bool notifyStatus(const std::string& status) { return send("STATUS=" + status); }
bool notifyWatchdog() { return send("WATCHDOG=1"); }

std::chrono::milliseconds watchdogInterval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(usec / 2000);
}

void LoopWatchdog::beat() {
  if (!ready_) {
    notifyReady();  // outside systemd there is no one to tell; either way, once
    ready_ = true;
  }
  if (interval_.count() <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < interval_) return;
  last_ = now;
  notifyWatchdog();
}

}  // namespace gatehouse::service
