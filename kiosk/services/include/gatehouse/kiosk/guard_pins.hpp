// Guard PINs typed at the kiosk: checked by the server when it can be asked, else against the
// cached Argon2id hashes, with the estate's lock and per-outage limit enforced here as well.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "gatehouse/core/clock.hpp"
#include "gatehouse/flow/event_queue.hpp"
#include "gatehouse/flow/ports.hpp"
#include "gatehouse/kiosk/outbox.hpp"
#include "gatehouse/kiosk/serial_worker.hpp"

namespace gatehouse::kiosk {

// The server's answer to a PIN (gh.kiosk_guard_pin_check).
struct OnlinePinAnswer {
  flow::PinResult::Outcome outcome = flow::PinResult::Outcome::Wrong;
  std::string guardId;
  std::string checkId;               // Ok: the check the approval names
  std::int64_t lockedUntilUnix = 0;  // Locked: until when
};
// nullopt when the server cannot be asked now: the kiosk then checks its cache (offline).
using OnlinePinCheck = std::function<std::optional<OnlinePinAnswer>(const std::string& pin)>;

// Checks one PIN and waits for the answer (Argon2id or the server): call it off the UI thread.
class KioskGuardPins {
 public:
  // lockoutAlert(detailsJson) queues a pin_lockout alert (through the outbox).
  KioskGuardPins(Outbox& cache, OnlinePinCheck online, const Clock& clock,
                 std::function<void(const std::string&)> lockoutAlert);
  flow::PinResult verify(const std::string& pin);
  // Called with the link's state; coming back online ends the outage and its offline count.
  void connectivity(bool online);

 private:
  struct Policy {
    int maxFailures = 5;
    int lockMinutes = 15;
    int offlineApprovals = 3;
  };
  struct State {
    int failures = 0;
    std::int64_t lockedUntil = 0;
    int offlineUsed = 0;
  };
  flow::PinResult verifyOffline(const std::string& pin, State& st, const Policy& policy);
  Policy policy();
  State load();
  void save(const State& st);

  Outbox& cache_;
  OnlinePinCheck online_;
  const Clock& clock_;
  std::function<void(const std::string&)> lockoutAlert_;
};

// The flow's GuardPins port: each check runs on `worker` and its answer is posted to `events` as
// GuardPinChecked, so the UI thread never waits for a verify.
class GuardPinChecker final : public flow::GuardPins {
 public:
  using Verify = std::function<flow::PinResult(const std::string& pin)>;
  GuardPinChecker(Verify verify, std::function<void(bool online)> connectivity,
                  flow::EventQueue& events, SerialWorker& worker);
  ~GuardPinChecker() override { worker_.flush(); }  // queued checks use this object
  GuardPinChecker(const GuardPinChecker&) = delete;
  GuardPinChecker& operator=(const GuardPinChecker&) = delete;
  void check(const Uuid& visitId, const std::string& pin) override;
  // The link's state, each frame: passed on (on the worker) only when it changes.
  void connectivity(bool online);

 private:
  Verify verify_;
  std::function<void(bool)> connectivity_;
  flow::EventQueue& events_;
  SerialWorker& worker_;
  std::optional<bool> online_;
};

// Asks gh.kiosk_guard_pin_check over a connection of its own (opened on first use, dropped when
// lost); answers nullopt without trying while reachable() is false.
OnlinePinCheck connectPinCheck(const std::string& databaseUrl, std::int64_t kioskId,
                               const std::string& token, std::function<bool()> reachable);

}  // namespace gatehouse::kiosk
