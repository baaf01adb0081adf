// The console's live state: LISTEN/NOTIFY on a worker thread feeds a queue that the UI thread
// drains once per frame (pump), reloading only what changed. Worker threads never touch ImGui.
#pragma once
#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "gatehouse/console/local_cache.hpp"
#include "gatehouse/console/model.hpp"
#include "gatehouse/console/store.hpp"
#include "gatehouse/core/clock.hpp"

namespace gatehouse::backend {
class Listener;
}

namespace gatehouse::console {

struct LiveOptions {
  std::chrono::milliseconds offlineAfter{15000};   // heartbeat age that turns a tile red
  std::chrono::milliseconds reconnectEvery{2000};  // while the database is unreachable
  std::string cachePath;  // SQLite file for "on site now"; empty = no cache
};

struct Snapshot {
  std::vector<KioskTile> kiosks;
  std::vector<PendingVisit> queue;
  std::vector<AlertItem> alerts;
  std::vector<OnSiteVisitor> onSite;
  bool onSiteFromCache = false;
  std::optional<TimePoint> onSiteCachedAt;
};

class LiveConsole {
 public:
  LiveConsole(std::string databaseUrl, std::int64_t personId, const Clock& clock,
              LiveOptions options = {});
  ~LiveConsole();
  LiveConsole(const LiveConsole&) = delete;
  LiveConsole& operator=(const LiveConsole&) = delete;

  // Starts listening; the first resync loads everything.
  void start();
  // UI thread, once per frame: applies queued notifications, refreshes derived values (heartbeat
  // ages, waiting times) from the clock. Returns true when the snapshot changed.
  bool pump();
  const Snapshot& snapshot() const { return snap_; }

  // Database reachable for queries and the listener connected.
  bool online() const { return dbOk_ && listenerUp_.load(); }
  bool listenerConnected() const { return listenerUp_.load(); }
  std::uint64_t notificationsApplied() const { return applied_; }
  // Counts newly escalated visits; the UI plays one tone per increment.
  int escalationCues() const { return cues_; }
  const std::string& lastError() const { return lastError_; }

  // Null until the database has been reached once.
  ConsoleStore* store() { return store_.get(); }
  // Runs a guard action; on success reloads at once (the NOTIFY follows anyway). Errors are
  // returned as text for the UI.
  std::optional<std::string> decide(const Uuid& visit, bool approve, const std::string& reason);
  std::optional<std::string> acknowledge(std::int64_t alertId);
  void reloadAll();

 private:
  void reloadKiosks();
  void reloadQueue();
  void reloadAlerts();
  void reloadOnSite();
  void refreshDerived();
  void loadFromCache();
  template <typename Fn>
  bool guarded(Fn&& fn);

  std::string url_;
  const Clock& clock_;
  LiveOptions options_;
  std::int64_t personIdPending_ = 0;
  std::unique_ptr<ConsoleStore> store_;
  std::unique_ptr<LocalCache> cache_;
  std::unique_ptr<backend::Listener> listener_;
  Snapshot snap_;
  std::map<std::string, Photo> photoCache_;  // evidence id -> bytes

  std::mutex m_;
  std::deque<std::string> inbox_;  // raw NOTIFY payloads
  bool resync_ = false;
  std::atomic<bool> listenerUp_{false};

  bool dbOk_ = true;
  std::chrono::steady_clock::time_point nextReconnect_{};
  std::set<std::string> escalatedSeen_;
  int cues_ = 0;
  std::uint64_t applied_ = 0;
  std::string lastError_;
};

}  // namespace gatehouse::console
