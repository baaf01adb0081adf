// A local SQLite copy of "on site now", sealed under a key derived from the guard's password.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/console/model.hpp"
#include "gatehouse/core/result.hpp"

namespace gatehouse::console {

struct CachedOnSite {
  std::vector<OnSiteVisitor> visitors;
  TimePoint savedAt{};
};

// What to do when the password does not open the cache already on disk.
enum class CacheUnlock {
  Refuse,  // offline unlock: error "cache_password", nothing read
  Reset,   // the server just signed this guard in: drop the other guard's copy, start afresh
  // Offline open from the sign-in screen: like Refuse, and a missing or empty cache is the
  // error "cache_missing" (nothing is created under a password the server never checked).
  ReadOnly,
};

class LocalCache {
 public:
  // A cache written by older code (plain rows) is deleted first. The password is used once to
  // derive the key (Argon2id); only the key stays, in locked memory.
  static Result<std::unique_ptr<LocalCache>> open(const std::string& path,
                                                  std::string_view password, CacheUnlock mode);
  ~LocalCache();
  LocalCache(const LocalCache&) = delete;
  LocalCache& operator=(const LocalCache&) = delete;

  // Replaces the stored list atomically (one sealed blob).
  Status saveOnSite(const std::vector<OnSiteVisitor>& visitors, TimePoint at);
  std::optional<CachedOnSite> loadOnSite();

 private:
  LocalCache() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatehouse::console
