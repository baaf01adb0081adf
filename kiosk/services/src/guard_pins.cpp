// Guard PIN checks at the kiosk: the server's answer when online, the cache's when not.
#include "gatehouse/kiosk/guard_pins.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "gatehouse/backend/kiosk_client.hpp"
#include "gatehouse/core/password.hpp"

namespace gatehouse::kiosk {
namespace {

using json = nlohmann::json;
using O = flow::PinResult::Outcome;

bool wellFormed(const std::string& pin) {
  if (pin.size() < 6 || pin.size() > 12) return false;
  for (const char ch : pin)
    if (ch < '0' || ch > '9') return false;
  return true;
}

}  // namespace

KioskGuardPins::KioskGuardPins(Outbox& cache, OnlinePinCheck online, const Clock& clock,
                               std::function<void(const std::string&)> lockoutAlert)
    : cache_(cache),
      online_(std::move(online)),
      clock_(clock),
      lockoutAlert_(std::move(lockoutAlert)) {}

flow::PinResult KioskGuardPins::verify(const std::string& pin) {
  State st = load();
  if (st.lockedUntil > clock_.unixSeconds()) return {O::Locked, "", ""};
  if (!wellFormed(pin)) return {O::Wrong, "", ""};
  if (online_) {
    if (auto answer = online_(pin)) {
      if (answer->outcome == O::Locked) {
        st.lockedUntil = answer->lockedUntilUnix;  // the server alerted the guards already
        save(st);
      }
      return {answer->outcome, answer->guardId, answer->checkId};
    }
  }
  return verifyOffline(pin, st, policy());
}

flow::PinResult KioskGuardPins::verifyOffline(const std::string& pin, State& st,
                                              const Policy& policy) {
  if (st.offlineUsed >= policy.offlineApprovals) return {O::OfflineLimit, "", ""};
  const auto text = cache_.get("guard_pins");
  const json guards = text ? json::parse(*text, nullptr, false) : json::array();
  for (const auto& g : guards) {
    if (g.is_object() && verifyPassword(g.value("pin_hash", ""), pin)) {
      st.failures = 0;
      ++st.offlineUsed;
      save(st);
      return {O::Ok, std::to_string(g.value("id", 0LL)), ""};
    }
  }
  if (++st.failures < policy.maxFailures) {
    save(st);
    return {O::Wrong, "", ""};
  }
  st.failures = 0;
  st.lockedUntil = clock_.unixSeconds() + std::int64_t{policy.lockMinutes} * 60;
  save(st);
  if (lockoutAlert_)
    lockoutAlert_(json{
        {"failures", policy.maxFailures}, {"locked_until", st.lockedUntil}, {"checked", "offline"}}
                      .dump());
  return {O::Locked, "", ""};
}

void KioskGuardPins::connectivity(bool online) {
  if (!online) return;
  State st = load();
  if (st.offlineUsed == 0) return;
  st.offlineUsed = 0;
  save(st);
}

KioskGuardPins::Policy KioskGuardPins::policy() {
  Policy p;
  const auto text = cache_.get("pin_policy");
  if (!text) return p;
  const json j = json::parse(*text, nullptr, false);
  if (!j.is_object()) return p;
  p.maxFailures = std::max(1, j.value("max_failures", p.maxFailures));
  p.lockMinutes = std::max(1, j.value("lock_minutes", p.lockMinutes));
  p.offlineApprovals = std::max(0, j.value("offline_approvals", p.offlineApprovals));
  return p;
}

KioskGuardPins::State KioskGuardPins::load() {
  State st;
  const auto text = cache_.get("pin_state");
  if (!text) return st;
  const json j = json::parse(*text, nullptr, false);
  if (!j.is_object()) return st;
  st.failures = j.value("failures", 0);
  st.lockedUntil = j.value("locked_until", std::int64_t{0});
  st.offlineUsed = j.value("offline_used", 0);
  return st;
}

void KioskGuardPins::save(const State& st) {
  (void)cache_.put("pin_state", json{{"failures", st.failures},
                                     {"locked_until", st.lockedUntil},
                                     {"offline_used", st.offlineUsed}}
                                    .dump());
}

GuardPinChecker::GuardPinChecker(Verify verify, std::function<void(bool)> connectivity,
                                 flow::EventQueue& events, SerialWorker& worker)
    : verify_(std::move(verify)),
      connectivity_(std::move(connectivity)),
      events_(events),
      worker_(worker) {}

void GuardPinChecker::check(const Uuid& visitId, const std::string& pin) {
  worker_.post(
      [this, visitId, pin] { events_.post(flow::Event::pinChecked(visitId, verify_(pin))); });
}

void GuardPinChecker::connectivity(bool online) {
  if (online_ == online) return;
  online_ = online;
  if (connectivity_) worker_.post([this, online] { connectivity_(online); });
}

OnlinePinCheck connectPinCheck(const std::string& databaseUrl, std::int64_t kioskId,
                               const std::string& token, std::function<bool()> reachable) {
  struct Link {
    std::mutex mutex;
    std::unique_ptr<backend::KioskClient> client;
  };
  auto link = std::make_shared<Link>();
  return [=](const std::string& pin) -> std::optional<OnlinePinAnswer> {
    if (reachable && !reachable()) return std::nullopt;
    std::lock_guard<std::mutex> lock(link->mutex);
    try {
      if (!link->client)
        link->client = std::make_unique<backend::KioskClient>(
            databaseUrl, backend::KioskCredentials{kioskId, token});
      const auto c = link->client->checkGuardPin(std::nullopt, pin);
      OnlinePinAnswer a;
      a.outcome = c.outcome == backend::PinOutcome::Ok       ? O::Ok
                  : c.outcome == backend::PinOutcome::Locked ? O::Locked
                                                             : O::Wrong;
      if (c.outcome == backend::PinOutcome::Ok) a.guardId = std::to_string(c.guardId);
      if (c.checkId) a.checkId = c.checkId->toString();
      a.lockedUntilUnix = c.lockedUntilUnix;
      return a;
    } catch (const backend::Error& e) {
      if (e.kind() == backend::ErrorKind::InvalidInput) {
        OnlinePinAnswer a;  // a malformed PIN is simply wrong
        return a;
      }
      link->client.reset();  // lost or refused: the cache decides this time
      return std::nullopt;
    }
  };
}

}  // namespace gatehouse::kiosk
