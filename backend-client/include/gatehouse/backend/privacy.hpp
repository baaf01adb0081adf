// Privacy: retention settings, the batched purge, legal holds and chain verification.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"

namespace gatehouse::backend {

struct Retention {
  std::int64_t estateId = 0;
  int photosDays = 30;
  int idDataDays = 30;
  int namesDays = 365;
  int notificationsDays = 90;
};
Retention getRetention(Connection& c, std::int64_t estateId);
struct RetentionChange {
  std::optional<int> photosDays, idDataDays, namesDays, notificationsDays;
};
Retention setRetention(Connection& c, std::int64_t estateId, const RetentionChange& change);

// Purge categories in the order a run takes them.
inline const std::vector<std::string>& purgeCategories() {
  static const std::vector<std::string> c{"photos", "id_data", "names", "notifications", "tokens"};
  return c;
}

struct PurgeRun {
  std::map<std::string, std::int64_t> purged;  // category -> rows, over every estate
  std::vector<std::string> messages;           // the audit lines written
  int batches = 0;
  std::chrono::microseconds longestBatch{0};  // the longest one-batch transaction (locks held)
};
// Purges everything past each estate's retention as of `now`, in batches of `batchSize` rows,
// each its own transaction; audits one line per estate and category that purged something.
// Idempotent: a second run with the same `now` purges nothing.
PurgeRun runRetentionPurge(Connection& c, std::chrono::system_clock::time_point now,
                           int batchSize = 100);

std::int64_t placeHold(Connection& c, const Uuid& visit, const std::string& reason);
void releaseHold(Connection& c, const Uuid& visit, const std::string& reason);

struct ChainReport {
  std::optional<Uuid> brokenAt;  // first item where the chain breaks
  std::int64_t items = 0;
  std::int64_t purged = 0;
};
// A kiosk's chain, or the estate's console chain when `kioskId` is empty.
ChainReport verifyChain(Connection& c, std::int64_t estateId, std::optional<std::int64_t> kioskId);

}  // namespace gatehouse::backend
