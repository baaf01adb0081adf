// Upgrades: two concurrent `migrate` runs serialise; the kiosk functions keep their signatures.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/backend/migrator.hpp"
#include "gatehouse/testing/test_database.hpp"

namespace gatehouse::backend::test {
namespace {

void onCluster(const std::string& sql) {
  Connection c(testing::clusterUrl(testing::testClusterDir(), "postgres"));
  c.execScript(sql);
}

TEST(Upgrade, TwoConcurrentMigrateRunsApplyEachMigrationOnce) {
  const std::string name = "gh_migrate_race_" + std::to_string(::getpid());
  onCluster("CREATE DATABASE " + name + " TEMPLATE template0");
  const auto url = testing::clusterUrl(testing::testClusterDir(), name);
  int applied[2] = {-1, -1};
  std::string errors[2];
  auto run = [&](int i) {
    try {
      Connection c(url);
      applied[i] = Migrator(c).migrate();
    } catch (const std::exception& e) {
      errors[i] = e.what();
    }
  };
  std::thread a(run, 0), b(run, 1);
  a.join();
  b.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  Connection c(url);
  const auto total = Migrator(c).status().size();
  // The advisory lock makes one run apply everything and the other find nothing left to do
  // (or they share the list), never both applying the same migration.
  EXPECT_EQ(static_cast<std::size_t>(applied[0] + applied[1]), total);
  EXPECT_EQ(c.exec("SELECT count(*) AS n FROM gh_meta.schema_migrations")[0].int64("n"),
            static_cast<std::int64_t>(total));
  EXPECT_TRUE(Migrator(c).upToDate());
  onCluster("DROP DATABASE " + name + " WITH (FORCE)");
}

// The kiosk functions of release 0.1 (main as of 2026-12-01). A kiosk one release behind calls
// these exact argument lists and reads these results, so each must stay, callable by
// gatehouse_kiosk. New functions and new overloads are fine.
const std::set<std::string> kKioskContract = {
    "kiosk_add_evidence(bigint, text, uuid, uuid, gh.evidence_kind, text, bytea, timestamp with "
    "time zone) -> text",
    "kiosk_cancel(bigint, text, uuid) -> gh.visit_status",
    "kiosk_check_in(bigint, text, uuid, text, timestamp with time zone) -> timestamp with time "
    "zone",
    "kiosk_check_out(bigint, text, uuid, uuid, text, timestamp with time zone) -> text",
    "kiosk_directory(bigint, text, text, integer) -> TABLE(unit_id bigint, unit_label text, "
    "building text, host_hint text)",
    "kiosk_estate_keys(bigint, text) -> TABLE(estate_id bigint, key_id smallint, public_key bytea, "
    "timezone text)",
    "kiosk_guard_approve(bigint, text, uuid, bigint, text, timestamp with time zone) -> "
    "gh.visit_status",
    "kiosk_guard_pins(bigint, text) -> TABLE(person_id bigint, full_name text, pin_hash text)",
    "kiosk_heartbeat(bigint, text, text, jsonb, integer, text) -> void",
    "kiosk_raise_alert(bigint, text, text, uuid, jsonb) -> bigint",
    "kiosk_request_visit(bigint, text, uuid, bigint, text, text, text, text, text, timestamp with "
    "time zone) -> TABLE(status gh.visit_status, held boolean)",
    "kiosk_revocations(bigint, text) -> TABLE(invitation_id uuid, revoked_at timestamp with time "
    "zone)",
    "kiosk_use_invitation(bigint, text, uuid, uuid, text, timestamp with time zone) -> "
    "TABLE(status gh.visit_status, unit_id bigint, unit_label text, guest_name text)",
    "kiosk_visit_status(bigint, text, uuid) -> TABLE(status gh.visit_status, held boolean, "
    "escalated boolean, decided_at timestamp with time zone, decision_channel gh.decision_channel)",
};

TEST(Upgrade, KioskFunctionsKeepTheirSignaturesForOneRelease) {
  testing::TestDatabase db;
  Connection c(db.url());
  auto rows = c.exec(
      "SELECT p.proname || '(' || oidvectortypes(p.proargtypes) || ') -> ' || "
      "pg_get_function_result(p.oid) AS sig FROM pg_proc p "
      "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'gh' "
      "AND p.proname LIKE 'kiosk\\_%' AND has_function_privilege('gatehouse_kiosk', p.oid, "
      "'EXECUTE')");
  std::set<std::string> now;
  for (std::size_t i = 0; i < rows.size(); ++i) now.insert(rows[i].text("sig"));
  for (const auto& sig : kKioskContract)
    EXPECT_TRUE(now.count(sig))
        << "gh." << sig << " is gone or changed, or gatehouse_kiosk lost EXECUTE on it.\n"
        << "A kiosk one release behind still calls it: keep the old signature (add a new "
           "function or overload beside it). Drop it only in the release after every kiosk "
           "has moved on, and then deliberately remove its line from kKioskContract in "
           "tests/integration/ops/upgrade_test.cpp (see docs/OPERATIONS.md, Upgrades).";
}

}  // namespace
}  // namespace gatehouse::backend::test
