// LiveConsole: notifications in on the listener thread, applied on the UI thread in pump().
#include "gatehouse/console/live.hpp"

#include <nlohmann/json.hpp>

#include "gatehouse/backend/listener.hpp"

namespace gatehouse::console {

using backend::ErrorKind;

LiveConsole::LiveConsole(std::string databaseUrl, std::int64_t personId, const Clock& clock,
                         LiveOptions options)
    : url_(std::move(databaseUrl)),
      clock_(clock),
      options_(std::move(options)),
      personIdPending_(personId) {
  if (!options_.cachePath.empty()) {
    if (auto c = LocalCache::open(options_.cachePath)) {
      cache_ = std::move(c).value();
    } else {
      lastError_ = c.error().message;
    }
  }
  try {
    store_ = std::make_unique<ConsoleStore>(backend::Connection(url_), personId);
  } catch (const backend::Error& e) {
    // Start anyway: the cache still shows who is on site, and pump() keeps reconnecting.
    dbOk_ = false;
    lastError_ = e.what();
    store_ = nullptr;
    personIdPending_ = personId;
  }
}

LiveConsole::~LiveConsole() { listener_.reset(); }

void LiveConsole::start() {
  listener_ = std::make_unique<backend::Listener>(
      url_, "gatehouse",
      [this](const backend::Notification& n) {
        std::lock_guard lock(m_);
        inbox_.push_back(n.payload);
      },
      [this] {
        std::lock_guard lock(m_);
        resync_ = true;
      },
      [this](bool up) { listenerUp_ = up; });
  if (!store_) loadFromCache();
}

template <typename Fn>
bool LiveConsole::guarded(Fn&& fn) {
  if (!store_) return false;
  try {
    fn();
    dbOk_ = true;
    return true;
  } catch (const backend::Error& e) {
    lastError_ = e.what();
    if (e.kind() == ErrorKind::ConnectionLost) {
      if (dbOk_) nextReconnect_ = std::chrono::steady_clock::now() + options_.reconnectEvery;
      dbOk_ = false;
    }
    return false;
  }
}

void LiveConsole::loadFromCache() {
  if (!cache_) return;
  if (auto c = cache_->loadOnSite()) {
    snap_.onSite = std::move(c->visitors);
    snap_.onSiteFromCache = true;
    snap_.onSiteCachedAt = c->savedAt;
  }
}

void LiveConsole::reloadKiosks() {
  guarded([&] {
    auto tiles = store_->kiosks();
    for (auto& t : tiles) {
      if (!t.latestPhotoId) continue;
      const std::string key = t.latestPhotoId->toString();
      auto it = photoCache_.find(key);
      if (it == photoCache_.end())
        it = photoCache_.emplace(key, store_->evidencePhoto(*t.latestPhotoId)).first;
      t.latestPhoto = it->second;
    }
    snap_.kiosks = std::move(tiles);
  });
}

void LiveConsole::reloadQueue() {
  guarded([&] {
    snap_.queue = store_->queue();
    for (const auto& p : snap_.queue) {
      if (p.escalated && escalatedSeen_.insert(p.id.toString()).second) ++cues_;
    }
  });
}

void LiveConsole::reloadAlerts() {
  guarded([&] { snap_.alerts = store_->openAlerts(); });
}

void LiveConsole::reloadOnSite() {
  const bool ok = guarded([&] {
    snap_.onSite = store_->onSite();
    snap_.onSiteFromCache = false;
    snap_.onSiteCachedAt.reset();
  });
  if (ok && cache_) {
    if (auto s = cache_->saveOnSite(snap_.onSite, clock_.now()); !s) lastError_ = s.error().message;
  }
  if (!ok && !dbOk_) loadFromCache();
}

void LiveConsole::reloadAll() {
  reloadKiosks();
  reloadQueue();
  reloadAlerts();
  reloadOnSite();
  refreshDerived();
}

void LiveConsole::refreshDerived() {
  const auto now = clock_.now();
  for (auto& t : snap_.kiosks) {
    t.online = kioskOnline(t.lastHeartbeat, now, options_.offlineAfter);
    t.heartbeatAgeS =
        t.lastHeartbeat ? std::chrono::duration<double>(now - *t.lastHeartbeat).count() : -1;
  }
  for (auto& p : snap_.queue)
    p.waitingS = std::chrono::duration<double>(now - p.requestedAt).count();
}

bool LiveConsole::pump() {
  std::deque<std::string> events;
  bool resync = false;
  {
    std::lock_guard lock(m_);
    events.swap(inbox_);
    std::swap(resync, resync_);
  }
  bool changed = false;
  if (!store_ || !dbOk_) {
    // Reconnect on a timer; the listener reconnects on its own and asks for a resync.
    const auto now = std::chrono::steady_clock::now();
    if (now >= nextReconnect_) {
      nextReconnect_ = now + options_.reconnectEvery;
      try {
        if (!store_) {
          store_ = std::make_unique<ConsoleStore>(backend::Connection(url_), personIdPending_);
        } else {
          store_->reconnect();
        }
        dbOk_ = true;
        resync = true;
      } catch (const backend::Error& e) {
        lastError_ = e.what();
      }
    }
  }
  if (resync && store_ && dbOk_) {
    reloadAll();
    changed = true;
  } else if (store_ && dbOk_) {
    bool kiosks = false, queue = false, alerts = false, onsite = false;
    for (const auto& payload : events) {
      auto j = nlohmann::json::parse(payload, nullptr, false);
      const std::string ev = j.is_object() ? j.value("event", "") : "";
      if (ev == "kiosk") {
        kiosks = true;
      } else if (ev == "visit") {
        queue = onsite = kiosks = true;  // the tile shows the latest visitor
      } else if (ev == "alert") {
        alerts = true;
      } else if (!ev.empty() && ev != "invitation") {
        kiosks = queue = alerts = onsite = true;
      }
    }
    if (kiosks) reloadKiosks();
    if (queue) reloadQueue();
    if (alerts) reloadAlerts();
    if (onsite) reloadOnSite();
    changed = !events.empty();
    applied_ += events.size();
  }
  refreshDerived();
  return changed;
}

std::optional<std::string> LiveConsole::decide(const Uuid& visit, bool approve,
                                               const std::string& reason) {
  std::optional<std::string> err;
  if (!store_) return std::string("database unreachable");
  try {
    store_->decide(visit, approve, reason);
  } catch (const backend::Error& e) {
    err = e.detail().empty() ? e.what() : e.detail();
    if (e.kind() == ErrorKind::ConnectionLost) dbOk_ = false;
    return err;
  }
  reloadQueue();
  reloadOnSite();
  refreshDerived();
  return err;
}

std::optional<std::string> LiveConsole::acknowledge(std::int64_t alertId) {
  if (!store_) return std::string("database unreachable");
  try {
    store_->acknowledge(alertId);
  } catch (const backend::Error& e) {
    if (e.kind() == ErrorKind::ConnectionLost) dbOk_ = false;
    return e.detail().empty() ? std::string(e.what()) : e.detail();
  }
  reloadAlerts();
  return std::nullopt;
}

}  // namespace gatehouse::console
