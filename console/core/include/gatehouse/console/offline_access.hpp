// The sign-in screen's way to the sealed on-site list while the server cannot be reached: a
// reachability probe (GET /healthz, no session) and the offline open of the cache with the
// password of the guard who saved it. Nothing here signs in or sends anything but the probe.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "gatehouse/console/cache_opener.hpp"
#include "gatehouse/console/local_cache.hpp"
#include "gatehouse/console/network_worker.hpp"
#include "gatehouse/console/server_client.hpp"

namespace gatehouse::console {

enum class ServerReach { Unknown, Reachable, Unreachable };

struct OfflineOptions {
  std::string cachePath;                       // the sealed cache; empty = nothing to offer
  std::chrono::milliseconds probeEvery{2000};  // between the end of one probe and the next
  CacheOpenFn open = &LocalCache::open;        // tests inject a slow deriver
};

class OfflineAccess {
 public:
  // An invalid server URL is not probed (the sign-in says why); the state stays Unknown.
  OfflineAccess(const ServerOptions& server, OfflineOptions options);
  ~OfflineAccess();  // aborts the probe in flight; waits for a derivation in flight
  OfflineAccess(const OfflineAccess&) = delete;
  OfflineAccess& operator=(const OfflineAccess&) = delete;

  // UI thread, once per frame, never waits: applies a finished probe or check, starts the next
  // probe when it is due.
  void pump();
  ServerReach server() const { return reach_; }
  // A sign-in just found no server: offer the list at once, before the next probe says so.
  void serverUnreachable() { reach_ = ServerReach::Unreachable; }
  // The server cannot be reached and a cache file exists on this PC.
  bool offered() const;

  // Starts the Argon2id check of the password (wiped once used); false while one runs.
  bool unlock(std::string password);
  bool checking() const { return opener_.busy(); }
  // The refusal of the last check: "cache_password" (wrong password), "cache_missing" (no list
  // saved here), or another LocalCache code; empty after a success.
  const std::string& error() const { return error_; }
  std::uint64_t refusals() const { return refusals_; }
  // The list the right password opened (its key already wiped: only the plain list is held).
  const std::optional<CachedOnSite>& list() const { return list_; }
  void close();  // forgets the list (the guard goes back to the sign-in screen)

 private:
  void probe();

  OfflineOptions options_;
  std::shared_ptr<ServerClient> client_;  // never signed in; null for an invalid URL
  ServerReach reach_ = ServerReach::Unknown;
  bool probing_ = false;
  std::chrono::steady_clock::time_point nextProbe_{};
  std::optional<CachedOnSite> list_;
  std::string error_;
  std::uint64_t refusals_ = 0;
  CacheOpener opener_;
  std::unique_ptr<NetworkWorker> prober_;  // last: joined first
};

}  // namespace gatehouse::console
