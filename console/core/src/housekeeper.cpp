// Housekeeper: the worker's loop around WorkerClient::housekeeping, with reconnects.
#include "gatehouse/console/housekeeper.hpp"

#include <memory>
#include <nlohmann/json.hpp>

#include "gatehouse/backend/listener.hpp"
#include "gatehouse/backend/privacy.hpp"

namespace gatehouse::console {

HousekeepingResult runHousekeeping(backend::Connection& conn, std::chrono::seconds kioskStale) {
  return backend::WorkerClient(conn).housekeeping(kioskStale);
}

Housekeeper::Housekeeper(std::string databaseUrl, WorkerOptions options)
    : url_(std::move(databaseUrl)), options_(std::move(options)) {}

void Housekeeper::stop() {
  {
    std::lock_guard lock(m_);
    stop_ = true;
  }
  cv_.notify_all();
}

void Housekeeper::wake() {
  {
    std::lock_guard lock(m_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Housekeeper::purgeIfDue(backend::Connection& conn) {
  if (options_.purgeEvery.count() <= 0) return;
  const auto now = options_.clock->now();
  if (lastPurge_ && now - *lastPurge_ < options_.purgeEvery) return;
  const auto run = backend::runRetentionPurge(conn, now, options_.purgeBatch);
  lastPurge_ = now;
  for (const auto& m : run.messages)
    if (options_.log) options_.log("retention: " + m);
}

void Housekeeper::run() {
  auto log = [&](const std::string& s) {
    if (options_.log) options_.log(s);
  };
  // A new pending visit may need escalating later, but a check-in or a heartbeat gap is found
  // by the timer; notifications only make the next pass come sooner.
  backend::Listener listener(url_, "gatehouse", [this](const backend::Notification& n) {
    auto j = nlohmann::json::parse(n.payload, nullptr, false);
    if (j.is_object() && j.value("event", "") == "visit") wake();
  });
  std::unique_ptr<backend::Connection> conn;
  while (true) {
    {
      std::unique_lock lock(m_);
      if (stop_) break;
    }
    bool ok = false;
    try {
      if (!conn) conn = std::make_unique<backend::Connection>(url_);
      const auto r = runHousekeeping(*conn, options_.kioskStale);
      if (r.escalated || r.expired || r.overstays || r.kiosksOffline) {
        log("housekeeping: escalated " + std::to_string(r.escalated) + ", expired " +
            std::to_string(r.expired) + ", overstays " + std::to_string(r.overstays) +
            ", kiosks offline " + std::to_string(r.kiosksOffline));
      }
      purgeIfDue(*conn);
    } catch (const backend::Error& e) {
      const auto line = std::string("housekeeping failed: ") + e.what();
      if (options_.warn)
        options_.warn(line);
      else
        log(line);
      if (e.kind() == backend::ErrorKind::ConnectionLost) conn.reset();
    }
    ++passes_;
    if (afterPass_) afterPass_(ok);
    std::unique_lock lock(m_);
    cv_.wait_for(lock, options_.interval, [&] { return stop_ || woken_; });
    woken_ = false;
    if (stop_) break;
  }
}

}  // namespace gatehouse::console
