// The visit lifecycle as enforced by the database: every (status, action) pair, the decision
// race, idempotent requests, guards deciding on behalf, and the audit trail.
#include <atomic>
#include <thread>

#include "backend_fixture.hpp"

using namespace gatehouse;
using namespace gatehouse::backend;
using namespace gatehouse::backend::test;

namespace {

const std::vector<std::string> kStatuses = {"pending",   "approved",   "denied",     "expired",
                                            "cancelled", "checked_in", "checked_out"};
const std::vector<std::string> kActions = {"approve",  "deny",      "cancel",
                                           "check_in", "check_out", "expire"};

// What each action leads to from each status; absent = must be refused (status unchanged).
std::optional<std::string> expected(const std::string& from, const std::string& action) {
  if (from == "pending") {
    if (action == "approve") return "approved";
    if (action == "deny") return "denied";
    if (action == "cancel") return "cancelled";
    if (action == "expire") return "expired";
  }
  if (from == "approved") {
    if (action == "check_in") return "checked_in";
    if (action == "cancel") return "cancelled";
    if (action == "expire") return "expired";
  }
  if (from == "checked_in" && action == "check_out") return "checked_out";
  if (from == "cancelled" && action == "cancel")
    return "cancelled";  // a repeated cancel is a no-op
  return std::nullopt;
}

class Lifecycle : public BackendTest,
                  public ::testing::WithParamInterface<std::tuple<std::string, std::string>> {
 protected:
  ExitToken badge_;

  Uuid visitIn(const std::string& status) {
    const auto r = walkIn();
    kiosk_->requestVisit(r);
    badge_ = ExitToken::generate(r.visitId);
    if (status == "approved" || status == "checked_in" || status == "checked_out")
      decideAs("a-101@harbour.example", r.visitId, true);
    if (status == "denied") decideAs("a-101@harbour.example", r.visitId, false);
    if (status == "cancelled") kiosk_->cancel(r.visitId);
    if (status == "expired") expireNow(r.visitId);
    if (status == "checked_in" || status == "checked_out")
      kiosk_->checkIn(r.visitId, badge_.secretHashHex(), std::chrono::system_clock::now());
    if (status == "checked_out") {
      EXPECT_EQ(kiosk_->checkOut(Uuid::random(), badge_, std::chrono::system_clock::now()),
                ExitOutcome::Recorded);
    }
    EXPECT_EQ(statusOf(r.visitId), status);
    return r.visitId;
  }

  void expireNow(const Uuid& v) {
    owner_->exec(
        "UPDATE gh.visit SET requested_at = now() - interval '3 hours', "
        "decided_at = CASE WHEN decided_at IS NULL THEN NULL ELSE now() - interval '3 hours' END "
        "WHERE id = $1",
        {v});
    owner_->exec("SELECT gh.run_housekeeping()");
  }

  // Runs the action; returns false if it was refused (error or a refusing outcome).
  bool act(const std::string& action, const Uuid& v) {
    try {
      if (action == "approve") decideAs("a-101@harbour.example", v, true);
      if (action == "deny") decideAs("a-101@harbour.example", v, false);
      if (action == "cancel") kiosk_->cancel(v);
      if (action == "check_in")
        kiosk_->checkIn(v, ExitToken::generate(v).secretHashHex(),
                        std::chrono::system_clock::now());
      if (action == "check_out") {
        auto token = badge_;
        token.visitId = v;
        return kiosk_->checkOut(Uuid::random(), token, std::chrono::system_clock::now()) ==
               ExitOutcome::Recorded;
      }
      if (action == "expire") expireNow(v);
      return true;
    } catch (const backend::Error& e) {
      EXPECT_TRUE(e.kind() == ErrorKind::Conflict) << action << ": " << e.what();
      return false;
    }
  }
};

}  // namespace

TEST_P(Lifecycle, OnlyAllowedTransitionsHappen) {
  const auto& [from, action] = GetParam();
  const auto v = visitIn(from);
  const bool ok = act(action, v);
  const auto want = expected(from, action);
  if (action != "expire") {
    EXPECT_EQ(ok, want.has_value()) << from << " --" << action << "-->";
  }
  EXPECT_EQ(statusOf(v), want.value_or(from)) << from << " --" << action << "-->";
}

INSTANTIATE_TEST_SUITE_P(AllPairs, Lifecycle,
                         ::testing::Combine(::testing::ValuesIn(kStatuses),
                                            ::testing::ValuesIn(kActions)),
                         [](const auto& p) {
                           return std::get<0>(p.param) + "_" + std::get<1>(p.param);
                         });

TEST_F(BackendTest, DecisionRaceHasExactlyOneWinner) {
  for (int round = 0; round < 20; ++round) {
    const auto r = walkIn();
    kiosk_->requestVisit(r);
    // Two household members (same unit) on two real connections, released together.
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::atomic<int> wins{0}, alreadyDecided{0};
    const auto first = personId("a-101@harbour.example"),
               second = personId("a-101.2@harbour.example");
    auto decide = [&](std::int64_t id, bool approve) {
      auto c = server();
      ++ready;
      while (!go) std::this_thread::yield();
      try {
        c.asPerson(id, [&](Connection& tx) {
          tx.exec("SELECT gh.decide_visit($1, $2)", {r.visitId, approve});
        });
        ++wins;
      } catch (const backend::Error& e) {
        if (e.kind() == ErrorKind::Conflict && e.detail() == "already_decided") ++alreadyDecided;
      }
    };
    std::thread a(decide, first, true);
    std::thread b(decide, second, false);
    while (ready < 2) std::this_thread::yield();
    go = true;
    a.join();
    b.join();
    ASSERT_EQ(wins, 1) << "round " << round;
    ASSERT_EQ(alreadyDecided, 1) << "round " << round;
    const auto s = statusOf(r.visitId);
    EXPECT_TRUE(s == "approved" || s == "denied");
    EXPECT_EQ(count("SELECT count(*) AS n FROM gh.audit_log WHERE subject = $1 AND action IN "
                    "('visit.approved','visit.denied')",
                    {r.visitId.toString()}),
              1);
  }
}

TEST_F(BackendTest, LockingAnotherEstatesVisitIsNotFoundWhateverItsStatus) {
  const auto r = walkIn();
  kiosk_->requestVisit(r);
  decideAs("a-101@harbour.example", r.visitId, true);  // approved: approving again would be 409
  const auto lock = [&](std::int64_t estate) {
    owner_->exec("SELECT gh.lock_visit($1, 'approved', $2)", {r.visitId, estate});
  };
  try {
    lock(demo_.otherEstateId);
    ADD_FAILURE() << "another estate's visit was locked";
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_EQ(e.detail(), "visit_not_found");
  }
  try {
    lock(demo_.estateId);
    ADD_FAILURE() << "an approved visit was approved again";
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Conflict);
    EXPECT_EQ(e.detail(), "already_decided");
  }
}

TEST_F(BackendTest, RequestWithTheSameUuidTwiceMakesOneVisit) {
  const auto r = walkIn();
  const auto first = kiosk_->requestVisit(r);
  const auto second = kiosk_->requestVisit(r);  // a retry after a lost reply
  EXPECT_EQ(first.status, VisitStatus::Pending);
  EXPECT_EQ(second.status, VisitStatus::Pending);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.visit WHERE id = $1", {r.visitId}), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.visitor"), 1);
  // Another kiosk cannot reuse the id.
  KioskClient other(db_->urlAs("gatehouse_kiosk"),
                    {demo_.kiosks[1].kioskId, demo_.kiosks[1].token});
  try {
    other.requestVisit(r);
    FAIL();
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Conflict);
    EXPECT_EQ(e.detail(), "duplicate_id");
  }
}

TEST_F(BackendTest, GuardDecidesOnBehalfOnlyWithAReason) {
  const auto r = walkIn();
  kiosk_->requestVisit(r);
  try {
    decideAs("guard1@harbour.example", r.visitId, true);
    FAIL();
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_EQ(e.detail(), "reason_required");
  }
  EXPECT_EQ(decideAs("guard1@harbour.example", r.visitId, true, "called the resident"), "approved");
  auto row = owner_->exec(
      "SELECT decision_channel::text AS ch, decision_reason, decided_by FROM gh.visit WHERE id = "
      "$1",
      {r.visitId})[0];
  EXPECT_EQ(row.text("ch"), "guard");
  EXPECT_EQ(row.text("decision_reason"), "called the resident");
  EXPECT_EQ(row.int64("decided_by"), personId("guard1@harbour.example"));
  auto audit = owner_->exec(
      "SELECT actor_person, details->>'reason' AS reason FROM gh.audit_log "
      "WHERE subject = $1 AND action = 'visit.approved'",
      {r.visitId.toString()});
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].int64("actor_person"), personId("guard1@harbour.example"));
  EXPECT_EQ(audit[0].text("reason"), "called the resident");
}

TEST_F(BackendTest, EveryChangeIsAuditedWithItsActor) {
  const auto r = walkIn();
  kiosk_->requestVisit(r);
  decideAs("a-101@harbour.example", r.visitId, true);
  const auto badge = ExitToken::generate(r.visitId);
  kiosk_->checkIn(r.visitId, badge.secretHashHex(), std::chrono::system_clock::now());
  kiosk_->checkOut(Uuid::random(), badge, std::chrono::system_clock::now());
  auto rows = owner_->exec(
      "SELECT action, actor_person, actor_kiosk FROM gh.audit_log WHERE subject = $1 ORDER BY id",
      {r.visitId.toString()});
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].text("action"), "visit.pending");
  EXPECT_EQ(rows[0].int64("actor_kiosk"), demo_.kiosks[0].kioskId);
  EXPECT_EQ(rows[1].text("action"), "visit.approved");
  EXPECT_EQ(rows[1].int64("actor_person"), personId("a-101@harbour.example"));
  EXPECT_EQ(rows[2].text("action"), "visit.checked_in");
  EXPECT_EQ(rows[3].text("action"), "visit.checked_out");
  // Append-only, even for the owner.
  EXPECT_THROW(owner_->exec("DELETE FROM gh.audit_log"), backend::Error);
  EXPECT_THROW(owner_->exec("UPDATE gh.audit_log SET action = 'x'"), backend::Error);
}

TEST_F(BackendTest, HousekeepingEscalatesExpiresAndFlagsOverstays) {
  const auto late = walkIn();
  kiosk_->requestVisit(late);
  owner_->exec("UPDATE gh.visit SET requested_at = now() - interval '5 minutes' WHERE id = $1",
               {late.visitId});
  const auto stay = walkIn("A-102");
  kiosk_->requestVisit(stay);
  decideAs("a-102@harbour.example", stay.visitId, true);
  kiosk_->checkIn(stay.visitId, ExitToken::generate(stay.visitId).secretHashHex(),
                  std::chrono::system_clock::now());
  owner_->exec("UPDATE gh.visit SET expected_exit_at = now() - interval '1 minute' WHERE id = $1",
               {stay.visitId});

  auto result = owner_->exec("SELECT gh.run_housekeeping()::text AS r")[0].text("r");
  EXPECT_NE(result.find("\"escalated\": 1"), std::string::npos) << result;
  EXPECT_NE(result.find("\"overstays\": 1"), std::string::npos) << result;
  EXPECT_EQ(
      count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'approval_timeout' AND visit_id = $1",
            {late.visitId}),
      1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'overstay' AND visit_id = $1",
                  {stay.visitId}),
            1);
  EXPECT_TRUE(kiosk_->visitStatus(late.visitId).escalated);
  // Running again raises nothing new.
  owner_->exec("SELECT gh.run_housekeeping()");
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert"), 2);
}

TEST_F(BackendTest, TwoWorkersRacingRaiseOneOverstayAlert) {
  for (int round = 0; round < 10; ++round) {
    const auto v = walkIn("A-10" + std::to_string(round % 9 + 1));
    kiosk_->requestVisit(v);
    owner_->exec(
        "UPDATE gh.visit SET status = 'checked_in', decided_at = now(), entered_at = now(), "
        "expected_exit_at = now() - interval '1 minute' WHERE id = $1",
        {v.visitId});
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    auto housekeep = [&] {
      Connection c(db_->url());
      ++ready;
      while (!go) std::this_thread::yield();
      c.exec("SELECT gh.run_housekeeping()");
    };
    std::thread a(housekeep), b(housekeep);
    while (ready < 2) std::this_thread::yield();
    go = true;
    a.join();
    b.join();
    EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'overstay' AND visit_id = $1",
                    {v.visitId}),
              1)
        << "round " << round;
  }
}
