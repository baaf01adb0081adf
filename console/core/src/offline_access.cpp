// OfflineAccess: the probe on its own thread, the check through CacheOpener, results on the UI
// thread in pump().
#include "gatehouse/console/offline_access.hpp"

#include <filesystem>

namespace gatehouse::console {

OfflineAccess::OfflineAccess(const ServerOptions& server, OfflineOptions options)
    : options_(std::move(options)), opener_(options_.open) {
  if (validate(server)) {
    client_ = std::make_shared<ServerClient>(server);
    prober_ = std::make_unique<NetworkWorker>();
  }
}

OfflineAccess::~OfflineAccess() {
  if (client_) client_->abort();  // the probe in flight fails at once
  prober_.reset();
}

bool OfflineAccess::offered() const {
  std::error_code ec;
  return reach_ == ServerReach::Unreachable && !options_.cachePath.empty() &&
         std::filesystem::exists(options_.cachePath, ec);
}

void OfflineAccess::probe() {
  probing_ = true;
  auto c = client_;
  prober_->post([this, c]() -> NetworkWorker::Done {
    bool up = false;
    try {
      up = c->send("GET", "/healthz").status == 200;  // 503: its database is away
    } catch (const BackendError&) {
    }
    return [this, up] {
      probing_ = false;
      reach_ = up ? ServerReach::Reachable : ServerReach::Unreachable;
      nextProbe_ = std::chrono::steady_clock::now() + options_.probeEvery;
    };
  });
}

void OfflineAccess::pump() {
  if (prober_) {
    for (auto& done : prober_->drain()) done();
  }
  if (auto opened = opener_.take()) {
    if (!*opened) {
      error_ = opened->error().code;
      ++refusals_;
    } else if (auto saved = opened->value()->loadOnSite()) {
      list_ = std::move(*saved);
      error_.clear();
    } else {
      error_ = "cache_missing";  // opened, but no list was ever saved under this key
      ++refusals_;
    }
  }  // the cache closes here: its key is wiped, only the plain list stays in memory
  if (client_ && !probing_ && std::chrono::steady_clock::now() >= nextProbe_) probe();
}

bool OfflineAccess::unlock(std::string password) {
  error_.clear();
  return opener_.start(options_.cachePath, std::move(password), CacheUnlock::ReadOnly);
}

void OfflineAccess::close() {
  list_.reset();
  error_.clear();
}

}  // namespace gatehouse::console
