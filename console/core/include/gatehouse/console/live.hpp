// The console's live state over the server: the event stream marks resources dirty, the network
// thread reloads them, and the UI thread applies the results in pump() once per frame. Nothing
// here blocks the UI thread on the network; worker threads never touch ImGui.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gatehouse/console/backend.hpp"
#include "gatehouse/console/event_stream.hpp"
#include "gatehouse/console/local_cache.hpp"
#include "gatehouse/console/model.hpp"
#include "gatehouse/console/network_worker.hpp"
#include "gatehouse/console/server_client.hpp"
#include "gatehouse/core/clock.hpp"

namespace gatehouse::console {

struct LiveOptions {
  std::chrono::milliseconds offlineAfter{15000};   // heartbeat age that turns a tile red
  std::chrono::milliseconds reconnectEvery{2000};  // reload attempts while the server is away
  std::string cachePath;  // SQLite file for "on site now"; empty = no cache
  // The signed-in guard's password: derives the cache key, then wiped. Another guard's cache
  // is replaced (the server has just vouched for this one).
  std::string cachePassword;
  StreamOptions stream;
};

struct Snapshot {
  std::vector<KioskTile> kiosks;
  std::vector<PendingVisit> queue;
  std::vector<AlertItem> alerts;
  std::vector<OnSiteVisitor> onSite;
  bool onSiteFromCache = false;  // the server is away: this is the last list saved locally
  std::optional<TimePoint> onSiteCachedAt;
};

enum class Resource { Kiosks, Queue, Alerts, OnSite };

class LiveConsole {
 public:
  // `client` is signed in already. The cache, if any, fills the on-site list at once.
  LiveConsole(std::shared_ptr<ServerClient> client, const Clock& clock, LiveOptions options = {});
  // With a cache opened already (CacheOpener, off the UI thread); options' cache fields unused.
  LiveConsole(std::shared_ptr<ServerClient> client, const Clock& clock, LiveOptions options,
              std::unique_ptr<LocalCache> cache);
  ~LiveConsole();  // aborts the request in flight, stops the stream: returns promptly
  LiveConsole(const LiveConsole&) = delete;
  LiveConsole& operator=(const LiveConsole&) = delete;

  // Opens the event stream and loads everything.
  void start();
  // UI thread, once per frame: applies finished results and stream events, asks for reloads
  // (each resource at most once in flight), refreshes heartbeat ages and waiting times.
  // Returns true when the snapshot changed.
  bool pump();
  const Snapshot& snapshot() const { return snap_; }

  // The last call reached the server and the stream is open.
  bool online() const { return serverOk_ && streamUp_.load(); }
  bool serverReachable() const { return serverOk_; }
  bool streamConnected() const { return streamUp_.load(); }
  // The server refused the session (expired, revoked): sign in again.
  bool signedOut() const { return signedOut_; }
  std::uint64_t eventsApplied() const { return applied_; }
  std::uint64_t reloads() const { return reloads_; }  // asked for
  std::uint64_t loaded() const { return loaded_; }    // answered and applied
  // Nothing asked for and nothing in flight: the snapshot is what the server said last.
  bool settled() const { return dirty_.empty() && inFlight_.empty(); }
  int escalationCues() const { return cues_; }
  const std::string& lastError() const { return lastError_; }

  // Any call on the network thread; `done` runs on the UI thread in pump() with the value or
  // the error. A call that reached the server marks it reachable; one that did not, not.
  template <typename T>
  void run(std::function<T(ConsoleBackend&)> job, std::function<void(T)> ok,
           std::function<void(const BackendError&)> fail) {
    post(
        [job = std::move(job), ok = std::move(ok)](ConsoleBackend& b) -> std::function<void()> {
          auto value = std::make_shared<T>(job(b));
          return [ok, value] {
            if (ok) ok(std::move(*value));
          };
        },
        std::move(fail));
  }
  // A guard action; on success the resources it touches are reloaded (the event follows anyway).
  void act(std::function<void(ConsoleBackend&)> action, std::set<Resource> touches,
           std::function<void(std::optional<BackendError>)> done);
  void reloadAll();

 private:
  using UiDone = std::function<void()>;
  void post(std::function<UiDone(ConsoleBackend&)> job,
            std::function<void(const BackendError&)> fail);
  void requestReload(Resource r);
  // Network thread: the photo under `key`, fetched once.
  const Photo& cachedPhoto(const std::string& key, const std::function<Photo()>& fetch);
  void onFailure(const BackendError& e);
  void refreshDerived();
  void applyStream();
  void adoptCache(std::unique_ptr<LocalCache> cache);

  std::shared_ptr<ServerClient> client_;
  const Clock& clock_;
  LiveOptions options_;
  std::unique_ptr<LocalCache> cache_;  // network thread only after start()
  Snapshot snap_;

  // Network thread only: photos fetched once.
  std::map<std::string, Photo> photoCache_;
  std::optional<TimePoint> onSiteLoadedAt_;  // last list from the server

  std::mutex m_;  // stream -> UI
  std::set<Resource> streamDirty_;
  bool streamResync_ = false;
  std::uint64_t streamEvents_ = 0;
  std::atomic<bool> streamUp_{false};

  std::set<Resource> dirty_, inFlight_;
  bool serverOk_ = true;
  bool signedOut_ = false;
  std::chrono::steady_clock::time_point retryAt_{};
  std::set<std::string> escalatedSeen_;
  int cues_ = 0;
  std::uint64_t applied_ = 0;
  std::uint64_t reloads_ = 0;
  std::uint64_t loaded_ = 0;
  std::string lastError_;

  // Declared last: destroyed first, while the members their threads use still exist.
  std::unique_ptr<NetworkWorker> worker_;
  std::unique_ptr<EventStream> stream_;
};

}  // namespace gatehouse::console
