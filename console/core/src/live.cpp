// LiveConsole: stream events in on the stream thread, reloads on the network thread, results
// applied on the UI thread in pump().
#include "gatehouse/console/live.hpp"

#include "gatehouse/console/cache_key.hpp"

namespace gatehouse::console {

LiveConsole::LiveConsole(std::shared_ptr<ServerClient> client, const Clock& clock,
                         LiveOptions options)
    : client_(std::move(client)), clock_(clock), options_(std::move(options)) {
  if (!options_.cachePath.empty()) {
    auto c = LocalCache::open(options_.cachePath, options_.cachePassword, CacheUnlock::Reset);
    wipeSecret(options_.cachePassword);
    if (c) {
      adoptCache(std::move(c).value());
    } else {
      lastError_ = c.error().message;
    }
  }
}

LiveConsole::LiveConsole(std::shared_ptr<ServerClient> client, const Clock& clock,
                         LiveOptions options, std::unique_ptr<LocalCache> cache)
    : client_(std::move(client)), clock_(clock), options_(std::move(options)) {
  wipeSecret(options_.cachePassword);
  if (cache) adoptCache(std::move(cache));
}

void LiveConsole::adoptCache(std::unique_ptr<LocalCache> cache) {
  cache_ = std::move(cache);
  if (auto saved = cache_->loadOnSite()) {
    snap_.onSite = std::move(saved->visitors);
    snap_.onSiteFromCache = true;
    snap_.onSiteCachedAt = saved->savedAt;
  }
}

LiveConsole::~LiveConsole() {
  client_->abort();  // unblocks the request in flight at once
  stream_.reset();
  worker_.reset();
}

void LiveConsole::start() {
  worker_ = std::make_unique<NetworkWorker>();
  stream_ = std::make_unique<EventStream>(
      *client_,
      [this](const SseEvent& e) {
        std::lock_guard lock(m_);
        ++streamEvents_;
        if (e.event == "queue") {
          streamDirty_.insert({Resource::Queue, Resource::Kiosks});  // the tile shows the latest
        } else if (e.event == "alerts") {
          streamDirty_.insert(Resource::Alerts);
        } else if (e.event == "kiosks") {
          streamDirty_.insert(Resource::Kiosks);
        } else if (e.event == "onsite") {
          streamDirty_.insert(Resource::OnSite);
        } else if (e.event == "resync") {
          streamResync_ = true;
        }
      },
      [this](bool up) {
        streamUp_ = up;
        // Up: events may have been missed while it was down. Down: find out at once whether the
        // server is still there (a reload that fails turns the console to "reconnecting").
        std::lock_guard lock(m_);
        streamResync_ = true;
      },
      options_.stream);
  stream_->start();
  reloadAll();
}

void LiveConsole::post(std::function<UiDone(ConsoleBackend&)> job,
                       std::function<void(const BackendError&)> fail) {
  if (!worker_) return;
  worker_->post([this, job = std::move(job), fail = std::move(fail)]() -> UiDone {
    try {
      UiDone done = job(*client_);
      return [this, done] {
        serverOk_ = true;
        if (done) done();
      };
    } catch (const BackendError& e) {
      return [this, e, fail] {
        onFailure(e);
        if (fail) fail(e);
      };
    }
  });
}

void LiveConsole::onFailure(const BackendError& e) {
  lastError_ = e.what();
  if (e.kind() == BackendErrorKind::Unreachable) {
    if (serverOk_) retryAt_ = std::chrono::steady_clock::now() + options_.reconnectEvery;
    serverOk_ = false;
    snap_.onSiteFromCache = true;  // what is shown is now the last saved copy
    if (onSiteLoadedAt_) snap_.onSiteCachedAt = onSiteLoadedAt_;
  } else if (e.kind() == BackendErrorKind::SignedOut) {
    signedOut_ = true;
  }
}

void LiveConsole::requestReload(Resource r) {
  if (inFlight_.count(r)) {
    dirty_.insert(r);  // once the one in flight is back
    return;
  }
  inFlight_.insert(r);
  ++reloads_;
  auto fail = [this, r](const BackendError&) {
    inFlight_.erase(r);
    dirty_.erase(r);  // the retry timer asks again
  };
  switch (r) {
    case Resource::Kiosks:
      post(
          [this](ConsoleBackend& b) -> UiDone {
            auto tiles = b.kiosks();
            for (auto& t : tiles) {
              if (!t.latestPhotoId) continue;
              t.latestPhoto = cachedPhoto("e:" + t.latestPhotoId->toString(),
                                          [&] { return b.evidencePhoto(*t.latestPhotoId); });
            }
            return [this, tiles = std::move(tiles)]() mutable {
              snap_.kiosks = std::move(tiles);
              inFlight_.erase(Resource::Kiosks);
              ++loaded_;
            };
          },
          fail);
      break;
    case Resource::Queue:
      post(
          [this](ConsoleBackend& b) -> UiDone {
            auto queue = b.queue();
            for (auto& p : queue) {
              if (!p.hasPhoto) continue;
              p.photo = cachedPhoto("v:" + p.id.toString(), [&] { return b.visitPhoto(p.id); });
            }
            return [this, queue = std::move(queue)]() mutable {
              snap_.queue = std::move(queue);
              for (const auto& p : snap_.queue)
                if (p.escalated && escalatedSeen_.insert(p.id.toString()).second) ++cues_;
              inFlight_.erase(Resource::Queue);
              ++loaded_;
            };
          },
          fail);
      break;
    case Resource::Alerts:
      post(
          [this](ConsoleBackend& b) -> UiDone {
            auto alerts = b.openAlerts();
            for (auto& a : alerts) {
              if (!a.hasPhoto) continue;
              a.photo =
                  cachedPhoto("a:" + std::to_string(a.id), [&] { return b.alertPhoto(a.id); });
            }
            return [this, alerts = std::move(alerts)]() mutable {
              snap_.alerts = std::move(alerts);
              inFlight_.erase(Resource::Alerts);
              ++loaded_;
            };
          },
          fail);
      break;
    case Resource::OnSite:
      post(
          [this](ConsoleBackend& b) -> UiDone {
            auto list = b.onSite();
            for (auto& v : list) {
              v.photo =
                  cachedPhoto("v:" + v.visitId.toString(), [&] { return b.visitPhoto(v.visitId); });
            }
            std::string cacheError;
            if (cache_) {  // written here, off the UI thread
              if (auto s = cache_->saveOnSite(list, clock_.now()); !s)
                cacheError = s.error().message;
            }
            return [this, list = std::move(list), cacheError]() mutable {
              snap_.onSite = std::move(list);
              snap_.onSiteFromCache = false;
              snap_.onSiteCachedAt.reset();
              onSiteLoadedAt_ = clock_.now();
              if (!cacheError.empty()) lastError_ = cacheError;
              inFlight_.erase(Resource::OnSite);
              ++loaded_;
            };
          },
          fail);
      break;
  }
}

const Photo& LiveConsole::cachedPhoto(const std::string& key, const std::function<Photo()>& fetch) {
  auto it = photoCache_.find(key);
  if (it == photoCache_.end()) it = photoCache_.emplace(key, fetch()).first;
  return it->second;
}

void LiveConsole::act(std::function<void(ConsoleBackend&)> action, std::set<Resource> touches,
                      std::function<void(std::optional<BackendError>)> done) {
  post(
      [this, action = std::move(action), touches, done](ConsoleBackend& b) -> UiDone {
        action(b);
        return [this, touches, done] {
          for (auto r : touches) dirty_.insert(r);
          if (done) done(std::nullopt);
        };
      },
      [done](const BackendError& e) {
        if (done) done(e);
      });
}

void LiveConsole::reloadAll() {
  for (auto r : {Resource::Kiosks, Resource::Queue, Resource::Alerts, Resource::OnSite})
    dirty_.insert(r);
}

void LiveConsole::applyStream() {
  std::set<Resource> dirty;
  bool resync = false;
  std::uint64_t n = 0;
  {
    std::lock_guard lock(m_);
    dirty.swap(streamDirty_);
    std::swap(resync, streamResync_);
    std::swap(n, streamEvents_);
  }
  applied_ += n;
  if (resync) reloadAll();
  dirty_.insert(dirty.begin(), dirty.end());
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
  bool changed = false;
  if (worker_) {
    for (auto& done : worker_->drain()) {
      done();
      changed = true;
    }
  }
  applyStream();
  if (signedOut_) return changed;
  if (!serverOk_) {
    // Away: one attempt per interval; the stream reconnects on its own and asks for a resync.
    const auto now = std::chrono::steady_clock::now();
    if (now >= retryAt_ && inFlight_.empty()) {
      retryAt_ = now + options_.reconnectEvery;
      reloadAll();
    } else {
      dirty_.clear();
    }
  }
  std::set<Resource> dirty;
  dirty.swap(dirty_);
  for (auto r : dirty) requestReload(r);
  refreshDerived();
  return changed;
}

}  // namespace gatehouse::console
