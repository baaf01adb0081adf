// Retention, purge, holds and chain verification: thin C++ over the 0400 privacy functions.
#include "gatehouse/backend/privacy.hpp"

#include "time_text.hpp"

namespace gatehouse::backend {

namespace {

Retention fromRow(const Row& r) {
  return {r.int64("estate_id"), static_cast<int>(r.int64("photos_days")),
          static_cast<int>(r.int64("id_data_days")), static_cast<int>(r.int64("names_days")),
          static_cast<int>(r.int64("notifications_days"))};
}

}  // namespace

Retention getRetention(Connection& c, std::int64_t estateId) {
  auto rows = c.exec("SELECT * FROM gh.retention WHERE estate_id = $1", {estateId});
  if (rows.empty())
    throw Error(ErrorKind::NotFound, "estate " + std::to_string(estateId) + " not found", "",
                "estate_not_found");
  return fromRow(rows[0]);
}

Retention setRetention(Connection& c, std::int64_t estateId, const RetentionChange& ch) {
  auto rows = c.exec("SELECT * FROM gh.retention_set($1, $2, $3, $4, $5)",
                     {estateId, ch.photosDays, ch.idDataDays, ch.namesDays, ch.notificationsDays});
  return fromRow(rows[0]);
}

PurgeRun runRetentionPurge(Connection& c, std::chrono::system_clock::time_point now,
                           int batchSize) {
  using namespace std::chrono;
  PurgeRun run;
  const auto at = detail::toSqlTimestamp(now);
  const auto estates = c.exec("SELECT e AS id FROM gh.purge_estates() e");
  for (std::size_t i = 0; i < estates.size(); ++i) {
    const auto estate = estates[i].int64("id");
    for (const auto& cat : purgeCategories()) {
      std::int64_t total = 0;
      while (true) {
        const auto t0 = steady_clock::now();
        const auto n = c.execPrepared("gh_purge_batch",
                                      "SELECT gh.purge_batch($1, $2, $3::timestamptz, $4) AS n",
                                      {estate, cat, at, batchSize})[0]
                           .int64("n");
        run.longestBatch =
            std::max(run.longestBatch, duration_cast<microseconds>(steady_clock::now() - t0));
        ++run.batches;
        total += n;
        if (n < batchSize) break;
      }
      run.purged[cat] += total;
      if (total > 0)
        run.messages.push_back(c.exec("SELECT gh.purge_audit($1, $2, $3, $4::timestamptz) AS m",
                                      {estate, cat, total, at})[0]
                                   .text("m"));
    }
  }
  return run;
}

std::int64_t placeHold(Connection& c, const Uuid& visit, const std::string& reason) {
  return c.exec("SELECT gh.hold_place($1, $2) AS id", {visit, reason})[0].int64("id");
}

void releaseHold(Connection& c, const Uuid& visit, const std::string& reason) {
  c.exec("SELECT gh.hold_release($1, $2)", {visit, reason});
}

ChainReport verifyChain(Connection& c, std::int64_t estateId, std::optional<std::int64_t> kioskId) {
  auto r = c.exec("SELECT * FROM gh.verify_evidence_chain_report($1, $2)", {estateId, kioskId})[0];
  ChainReport out;
  if (!r.isNull("broken_at")) out.brokenAt = r.uuid("broken_at");
  out.items = r.int64("items");
  out.purged = r.int64("purged");
  return out;
}

}  // namespace gatehouse::backend
