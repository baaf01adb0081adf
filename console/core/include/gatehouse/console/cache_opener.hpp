// Opens the sealed cache on its own thread: the Argon2id derivation takes a noticeable fraction
// of a second, and the console's window keeps drawing meanwhile ("Checking...").
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gatehouse/console/local_cache.hpp"
#include "gatehouse/console/network_worker.hpp"

namespace gatehouse::console {

using OpenedCache = Result<std::unique_ptr<LocalCache>>;
// LocalCache::open, or a test's stand-in (a deriver that waits until the test lets it go).
using CacheOpenFn =
    std::function<OpenedCache(const std::string& path, std::string_view password, CacheUnlock)>;

class CacheOpener {
 public:
  explicit CacheOpener(CacheOpenFn open = &LocalCache::open);
  ~CacheOpener();  // waits for a derivation in flight (it cannot be interrupted; under a second)
  CacheOpener(const CacheOpener&) = delete;
  CacheOpener& operator=(const CacheOpener&) = delete;

  // Starts one open with this password, wiped once the key is derived. False (and the password
  // wiped) when one is running already.
  bool start(std::string path, std::string password, CacheUnlock mode);
  bool busy() const { return busy_; }
  // UI thread, once per frame, never waits: the result of the finished open, once.
  std::optional<OpenedCache> take();

 private:
  CacheOpenFn open_;
  bool busy_ = false;  // UI thread only
  std::optional<OpenedCache> result_;
  NetworkWorker worker_;  // last: joined first, while open_ still exists
};

}  // namespace gatehouse::console
