// Privacy benchmarks against a real database: the retention purge of N photos (rows/s, longest
// batch transaction), chain verification of M items, and evidence bundle export + verification
// of a visit with two photos. Prints one JSON object per measurement.
//   gatehouse-bench-privacy URL_OWNER [--photos N] [--chain M] [--batch B] [--bundles K]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/evidence_export.hpp"
#include "gatehouse/backend/privacy.hpp"
#include "gatehouse/evidence/bundle.hpp"

using namespace gatehouse;
using namespace gatehouse::backend;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double msSince(Steady::time_point t0) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
}

struct Setup {
  std::int64_t estate = 0, kiosk = 0;
  std::string visit;
};

Setup prepare(Connection& c) {
  const auto d = seedDemo(c);
  Setup s{d.estateId, d.kiosks[0].kioskId, Uuid::random().toString()};
  c.exec(
      "INSERT INTO gh.visitor (estate_id, full_name) VALUES ($1, 'Bench Visitor');"
      "",
      {s.estate});
  c.exec(
      "INSERT INTO gh.visit (id, estate_id, unit_id, visitor_id, status, kiosk_id) SELECT $1, $2, "
      "(SELECT min(id) FROM gh.unit WHERE estate_id = $2), (SELECT max(id) FROM gh.visitor), "
      "'cancelled', $3",
      {s.visit, s.estate, s.kiosk});
  // Bulk rows need no NOTIFY each; this is setup, not the thing measured.
  c.execScript("ALTER TABLE gh.evidence DISABLE TRIGGER portal_evidence_added");
  return s;
}

void purgeBench(Connection& c, const Setup& s, long photos, int batch) {
  const auto t0 = Steady::now();
  for (long done = 0; done < photos; done += 50000)
    c.exec(
        "INSERT INTO gh.evidence (id, estate_id, visit_id, kind, data, sha256, chain_sha256, "
        "captured_at) SELECT gen_random_uuid(), $1, $2, 'entry_photo', decode(md5(i::text) || "
        "md5(i::text), 'hex'), md5(i::text), md5(i::text), now() - interval '40 days' "
        "FROM generate_series(1, $3) i",
        {s.estate, s.visit, static_cast<std::int64_t>(std::min(50000L, photos - done))});
  c.execScript("ANALYZE gh.evidence");  // as autovacuum would have by the time rows are 30 days old
  std::printf("{\"bench\":\"purge_setup\",\"photos\":%ld,\"ms\":%.0f}\n", photos, msSince(t0));
  std::fflush(stdout);
  const auto t1 = Steady::now();
  const auto run = runRetentionPurge(c, std::chrono::system_clock::now(), batch);
  const double ms = msSince(t1);
  std::printf(
      "{\"bench\":\"purge_photos\",\"photos\":%lld,\"batch\":%d,\"batches\":%d,\"ms\":%.0f,"
      "\"rows_per_s\":%.0f,\"longest_batch_ms\":%.2f}\n",
      static_cast<long long>(run.purged.at("photos")), batch, run.batches, ms,
      static_cast<double>(run.purged.at("photos")) / (ms / 1000.0),
      static_cast<double>(run.longestBatch.count()) / 1000.0);
  std::fflush(stdout);
}

// The photo category alone, batch by batch, for the distribution of one transaction's length.
void batchDistribution(Connection& c, const Setup& s, long photos, int batch) {
  c.exec(
      "INSERT INTO gh.evidence (id, estate_id, visit_id, kind, data, sha256, chain_sha256, "
      "captured_at) SELECT gen_random_uuid(), $1, $2, 'entry_photo', decode(md5(i::text), 'hex'), "
      "md5(i::text), md5(i::text), now() - interval '40 days' FROM generate_series(1, $3) i",
      {s.estate, s.visit, static_cast<std::int64_t>(photos)});
  c.execScript("VACUUM ANALYZE gh.evidence");
  std::vector<double> ms;
  while (true) {
    const auto t0 = Steady::now();
    const auto n =
        c.exec("SELECT gh.purge_batch($1, 'photos', now(), $2) AS n", {s.estate, batch})[0].int64(
            "n");
    ms.push_back(msSince(t0));
    if (n < batch) break;
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "{\"bench\":\"purge_batch_photos\",\"photos\":%ld,\"batch\":%d,\"batches\":%zu,"
      "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}\n",
      photos, batch, ms.size(), ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms.back());
  std::fflush(stdout);
}

void chainBench(Connection& c, const Setup& s, long items) {
  // A valid chain on a second kiosk, built in the database with the same formula.
  const auto kiosk = createKiosk(c, s.estate, "Bench gate").kioskId;
  const auto t0 = Steady::now();
  c.exec(
      "DO $$ DECLARE prev text; ch text; d text; t timestamptz; BEGIN "
      "FOR i IN 1.." +
      std::to_string(items) +
      " LOOP d := encode(sha256(i::text::bytea), 'hex'); t := now() - make_interval(secs => i); "
      "ch := gh.chain_link(prev, d, '" +
      s.visit +
      "', 'entry_photo', t); "
      "INSERT INTO gh.evidence (id, estate_id, visit_id, kiosk_id, kind, data, "
      "sha256, prev_chain, chain_sha256, captured_at) VALUES (gen_random_uuid(), " +
      std::to_string(s.estate) + ", '" + s.visit + "', " + std::to_string(kiosk) +
      ", 'entry_photo', i::text::bytea, d, prev, ch, t); prev := ch; END LOOP; END $$");
  std::printf("{\"bench\":\"chain_setup\",\"items\":%ld,\"ms\":%.0f}\n", items, msSince(t0));
  const auto t1 = Steady::now();
  const auto r = verifyChain(c, s.estate, kiosk);
  std::printf(
      "{\"bench\":\"chain_verify\",\"items\":%lld,\"intact\":%s,\"ms\":%.0f,\"items_per_s\":%.0f}"
      "\n",
      static_cast<long long>(r.items), r.brokenAt ? "false" : "true", msSince(t1),
      static_cast<double>(r.items) / (msSince(t1) / 1000.0));
  std::fflush(stdout);
}

void bundleBench(Connection& c, const Setup& s, int repeats) {
  const auto dir = fs::temp_directory_path() / ("gh-bench-bundle-" + Uuid::random().toString());
  fs::create_directories(dir);
  const auto pub = initEvidenceKey(c, s.estate, (dir / "key").string());
  const auto key = *evidence::loadKeyFile((dir / "key").string());
  const auto visit = Uuid::random();
  c.exec(
      "INSERT INTO gh.visit (id, estate_id, unit_id, visitor_id, status, kiosk_id) SELECT $1, $2, "
      "(SELECT min(id) FROM gh.unit WHERE estate_id = $2), (SELECT max(id) FROM gh.visitor), "
      "'cancelled', NULL",
      {visit, s.estate});
  // Two 150 KB photos on the console chain (kiosk NULL), chained properly.
  c.exec(
      "DO $$ DECLARE prev text; ch text; d text; b bytea; BEGIN FOR i IN 1..2 LOOP "
      "b := decode(repeat(md5(i::text), 4800), 'hex'); d := encode(sha256(b), 'hex'); "
      "SELECT chain_sha256 INTO prev FROM gh.evidence WHERE kiosk_id IS NULL AND estate_id = " +
      std::to_string(s.estate) + " ORDER BY seq DESC LIMIT 1; ch := gh.chain_link(prev, d, '" +
      visit.toString() +
      "', 'entry_photo', now()); INSERT INTO gh.evidence (id, estate_id, visit_id, kind, data, "
      "sha256, prev_chain, chain_sha256, captured_at) VALUES (gen_random_uuid(), " +
      std::to_string(s.estate) + ", '" + visit.toString() +
      "', 'entry_photo', b, d, prev, ch, now()); END LOOP; END $$");
  std::vector<double> exportMs, verifyMs;
  for (int i = 0; i < repeats; ++i) {
    const auto out = (dir / ("b" + std::to_string(i))).string();
    auto t0 = Steady::now();
    exportEvidence(c, {visit, {}, {}, {}}, key, out);
    exportMs.push_back(msSince(t0));
    t0 = Steady::now();
    const bool ok = evidence::verifyBundle(out, key.publicKey).ok;
    verifyMs.push_back(msSince(t0));
    if (!ok) std::printf("{\"error\":\"bundle did not verify\"}\n");
  }
  std::sort(exportMs.begin(), exportMs.end());
  std::sort(verifyMs.begin(), verifyMs.end());
  std::printf(
      "{\"bench\":\"bundle_two_photos\",\"n\":%d,\"export_p50_ms\":%.2f,\"export_max_ms\":%.2f,"
      "\"verify_p50_ms\":%.2f,\"verify_max_ms\":%.2f}\n",
      repeats, exportMs[exportMs.size() / 2], exportMs.back(), verifyMs[verifyMs.size() / 2],
      verifyMs.back());
  fs::remove_all(dir);
  (void)pub;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: gatehouse-bench-privacy URL_OWNER [--photos N] [--chain M] [--batch B] "
                 "[--bundles K]\n");
    return 2;
  }
  long photos = 1000000, chain = 100000;
  int batch = 100, bundles = 20;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const long v = std::stol(argv[i + 1]);
    if (k == "--photos")
      photos = v;
    else if (k == "--chain")
      chain = v;
    else if (k == "--batch")
      batch = static_cast<int>(v);
    else if (k == "--bundles")
      bundles = static_cast<int>(v);
  }
  Connection c(argv[1]);
  const auto s = prepare(c);
  purgeBench(c, s, photos, batch);
  for (int b : {100, 200, 500}) batchDistribution(c, s, std::min(photos, 100000L), b);
  chainBench(c, s, chain);
  bundleBench(c, s, bundles);
  return 0;
}
