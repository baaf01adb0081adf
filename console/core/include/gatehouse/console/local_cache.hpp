// A local SQLite copy of "on site now", so the evacuation list survives the database going away.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gatehouse/console/model.hpp"
#include "gatehouse/core/result.hpp"

namespace gatehouse::console {

struct CachedOnSite {
  std::vector<OnSiteVisitor> visitors;
  TimePoint savedAt{};
};

class LocalCache {
 public:
  static Result<std::unique_ptr<LocalCache>> open(const std::string& path);
  ~LocalCache();
  LocalCache(const LocalCache&) = delete;
  LocalCache& operator=(const LocalCache&) = delete;

  // Replaces the stored list atomically (one transaction).
  Status saveOnSite(const std::vector<OnSiteVisitor>& visitors, TimePoint at);
  std::optional<CachedOnSite> loadOnSite();

 private:
  LocalCache() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatehouse::console
