// Issue 9, guard PINs: the server checks a PIN typed at an online kiosk against a verifier no
// client reads, counts wrong PINs per kiosk and locks, and records online and offline approvals
// truthfully; what a kiosk caches costs >= 64 MiB of Argon2id per guess.
#include "backend_fixture.hpp"
#include "gatehouse/core/password.hpp"

using namespace gatehouse;
using namespace gatehouse::backend;
using namespace gatehouse::backend::test;
using std::chrono::system_clock;

namespace {

class GuardPins : public BackendTest {
 protected:
  KioskClient kioskAt(std::size_t i) {
    return KioskClient(db_->urlAs("gatehouse_kiosk"),
                       {demo_.kiosks[i].kioskId, demo_.kiosks[i].token});
  }
  std::string one(const std::string& sql, const Params& params = {}) {
    return owner_->exec(sql, params)[0].text(0);
  }
  std::int64_t guard1() { return personId("guard1@harbour.example"); }
};

}  // namespace

TEST_F(GuardPins, DemoGuardsHaveTheirOwnPinsOfSixDigitsOrMore) {
  ASSERT_EQ(demo_.guardPins.size(), 2u);
  EXPECT_NE(demo_.guardPins[0], demo_.guardPins[1]);
  for (const auto& pin : demo_.guardPins) EXPECT_GE(pin.size(), 6u);
  EXPECT_GE(demo_.adminPin.size(), 6u);
}

TEST_F(GuardPins, TheServerChecksAPinTypedAtAnOnlineKiosk) {
  const auto ok = kiosk_->checkGuardPin(std::nullopt, demo_.guardPins[1]);
  EXPECT_EQ(ok.outcome, PinOutcome::Ok);
  EXPECT_EQ(ok.guardId, personId("guard2@harbour.example"));
  ASSERT_TRUE(ok.checkId.has_value());
  EXPECT_EQ(kiosk_->checkGuardPin(guard1(), demo_.guardPins[0]).outcome, PinOutcome::Ok);
  // Guard 2's PIN is not guard 1's.
  EXPECT_EQ(kiosk_->checkGuardPin(guard1(), demo_.guardPins[1]).outcome, PinOutcome::Wrong);
  for (const char* bad : {"2468", "12345a", "", "1234567890123"}) {
    try {
      kiosk_->checkGuardPin(std::nullopt, bad);
      ADD_FAILURE() << bad;
    } catch (const backend::Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << bad;
      EXPECT_EQ(e.detail(), "pin") << bad;
    }
  }
  KioskClient impostor(db_->urlAs("gatehouse_kiosk"), {demo_.kiosks[0].kioskId, "wrong-token"});
  EXPECT_THROW(impostor.checkGuardPin(std::nullopt, demo_.guardPins[0]), backend::Error);
}

TEST_F(GuardPins, NoClientRoleReadsTheVerifierAndKiosksGetOnlyTheMemoryHardHash) {
  for (const char* role : {"gatehouse_server", "gatehouse_kiosk", "gatehouse_worker"}) {
    Connection c(db_->urlAs(role));
    EXPECT_THROW(c.exec("SELECT pin_verifier FROM gh.person LIMIT 1"), backend::Error) << role;
    EXPECT_THROW(c.exec("SELECT pin_offline_hash FROM gh.person LIMIT 1"), backend::Error) << role;
  }
  const auto pins = kiosk_->guardPins();
  ASSERT_EQ(pins.size(), 3u);  // two guards and the admin
  const auto verifier = one("SELECT pin_verifier FROM gh.person WHERE id = $1", {pins[0].personId});
  for (const auto& p : pins) {
    EXPECT_NE(p.pinHash, verifier);
    EXPECT_EQ(p.pinHash.rfind("$argon2id$v=19$m=", 0), 0u) << p.pinHash;
    const auto kib = std::stoul(p.pinHash.substr(std::string("$argon2id$v=19$m=").size()));
    EXPECT_GE(kib * 1024, std::size_t{64} << 20) << p.pinHash;
  }
  EXPECT_TRUE(verifyPassword(pins[0].pinHash, demo_.guardPins[0]));
  EXPECT_FALSE(verifyPassword(pins[0].pinHash, demo_.guardPins[1]));
}

TEST_F(GuardPins, FiveWrongPinsLockPinEntryAtThatKioskAndAlertTheGuards) {
  owner_->exec("UPDATE gh.estate SET pin_lock_minutes = 7 WHERE id = $1", {demo_.estateId});
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(kiosk_->checkGuardPin(std::nullopt, "000000").outcome, PinOutcome::Wrong) << i;
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'pin_lockout'"), 0);
  const auto fifth = kiosk_->checkGuardPin(std::nullopt, "000001");
  EXPECT_EQ(fifth.outcome, PinOutcome::Locked);
  const auto now = system_clock::to_time_t(system_clock::now());
  EXPECT_NEAR(static_cast<double>(fifth.lockedUntilUnix - now), 7 * 60, 60);
  // Locked: even the right PIN is not checked, and the lock is this kiosk's only.
  EXPECT_EQ(kiosk_->checkGuardPin(std::nullopt, demo_.guardPins[0]).outcome, PinOutcome::Locked);
  auto other = kioskAt(1);
  EXPECT_EQ(other.checkGuardPin(std::nullopt, demo_.guardPins[0]).outcome, PinOutcome::Ok);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'pin_lockout' AND "
                  "kiosk_id = $1",
                  {demo_.kiosks[0].kioskId}),
            1);
  // Once the lock has passed the right PIN works again and the count starts afresh.
  owner_->exec("UPDATE gh.kiosk SET pin_locked_until = now() - interval '1 second' WHERE id = $1",
               {demo_.kiosks[0].kioskId});
  EXPECT_EQ(kiosk_->checkGuardPin(std::nullopt, demo_.guardPins[0]).outcome, PinOutcome::Ok);
  EXPECT_EQ(one("SELECT pin_failures::text FROM gh.kiosk WHERE id = $1", {demo_.kiosks[0].kioskId}),
            "0");
}

TEST_F(GuardPins, AnApprovalWithTheServersCheckIsOnlineAndWithoutItOfflineForReview) {
  const auto online = walkIn();
  kiosk_->requestVisit(online);
  const auto check = kiosk_->checkGuardPin(std::nullopt, demo_.guardPins[0]);
  ASSERT_EQ(check.outcome, PinOutcome::Ok);
  EXPECT_EQ(
      kiosk_->guardApprove(online.visitId, check.guardId, "", system_clock::now(), check.checkId),
      VisitStatus::Approved);
  EXPECT_EQ(one("SELECT pin_mode FROM gh.visit WHERE id = $1", {online.visitId}), "online");
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE visit_id = $1 AND kind = "
                  "'offline_pin_approval'",
                  {online.visitId}),
            0);

  // The same check cannot approve a second visit, nor another guard's: those are offline.
  const auto reused = walkIn("A-102");
  kiosk_->requestVisit(reused);
  EXPECT_EQ(
      kiosk_->guardApprove(reused.visitId, check.guardId, "", system_clock::now(), check.checkId),
      VisitStatus::Approved);
  EXPECT_EQ(one("SELECT pin_mode FROM gh.visit WHERE id = $1", {reused.visitId}), "offline");

  // The previous release's call (no check id) is the kiosk's own check: offline, for review.
  const auto old = walkIn("A-103");
  kiosk_->requestVisit(old);
  EXPECT_EQ(kiosk_->guardApprove(old.visitId, guard1(), "", system_clock::now()),
            VisitStatus::Approved);
  EXPECT_EQ(one("SELECT pin_mode FROM gh.visit WHERE id = $1", {old.visitId}), "offline");
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'offline_pin_approval' AND "
                  "visit_id IN ($1, $2)",
                  {reused.visitId, old.visitId}),
            2);
  EXPECT_NE(
      one("SELECT decision_reason FROM gh.visit WHERE id = $1", {old.visitId}).find("offline"),
      std::string::npos);
}

TEST_F(GuardPins, OfflineApprovalsAreLimitedPerOutage) {
  owner_->exec("UPDATE gh.estate SET offline_pin_approvals = 2 WHERE id = $1", {demo_.estateId});
  // The kiosk was out of contact for ten minutes; three PIN approvals arrive from that time.
  std::vector<Uuid> visits;
  for (const char* unit : {"A-101", "A-102", "A-103"}) {
    auto r = walkIn(unit);
    r.requestedAt = system_clock::now() - std::chrono::minutes(9);
    kiosk_->requestVisit(r);
    visits.push_back(r.visitId);
  }
  owner_->exec("UPDATE gh.kiosk SET last_contact = now() - interval '10 minutes' WHERE id = $1",
               {demo_.kiosks[0].kioskId});
  const auto at = system_clock::now() - std::chrono::minutes(5);
  EXPECT_EQ(kiosk_->guardApprove(visits[0], guard1(), "", at, std::nullopt), VisitStatus::Approved);
  EXPECT_EQ(kiosk_->guardApprove(visits[1], guard1(), "", at, std::nullopt), VisitStatus::Approved);
  EXPECT_EQ(kiosk_->guardApprove(visits[2], guard1(), "", at, std::nullopt), VisitStatus::Pending);
  EXPECT_EQ(statusOf(visits[2]), "pending");
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'offline_pin_refused' AND "
                  "visit_id = $1",
                  {visits[2]}),
            1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'offline_pin_approval' AND "
                  "(details->>'was_offline')::boolean"),
            2);
}
