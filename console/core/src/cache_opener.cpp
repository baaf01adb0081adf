// CacheOpener: one LocalCache::open at a time on a worker thread, handed back in take().
#include "gatehouse/console/cache_opener.hpp"

#include "gatehouse/console/cache_key.hpp"

namespace gatehouse::console {

CacheOpener::CacheOpener(CacheOpenFn open) : open_(std::move(open)) {}

CacheOpener::~CacheOpener() { worker_.stop(); }

bool CacheOpener::start(std::string path, std::string password, CacheUnlock mode) {
  if (busy_) {
    wipeSecret(password);
    return false;
  }
  busy_ = true;
  worker_.post([this, path = std::move(path), password = std::move(password),
                mode]() mutable -> NetworkWorker::Done {
    auto opened = std::make_shared<OpenedCache>(open_(path, password, mode));
    wipeSecret(password);
    return [this, opened] {
      result_.emplace(std::move(*opened));
      busy_ = false;
    };
  });
  return true;
}

std::optional<OpenedCache> CacheOpener::take() {
  for (auto& done : worker_.drain()) done();
  std::optional<OpenedCache> out = std::move(result_);
  result_.reset();
  return out;
}

}  // namespace gatehouse::console
