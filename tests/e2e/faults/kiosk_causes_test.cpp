// Regression tests for the causes of issue 15 found by the fault run, through the real kiosk
// services (outbox, backend worker, kiosk remote) and the database functions: an exit at another
// gate before the entry arrives, alerts delivered twice, a kiosk whose clock is off.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/kiosk_client.hpp"
#include "gatehouse/core/pass.hpp"
#include "gatehouse/flow/event_queue.hpp"
#include "gatehouse/kiosk/outbox.hpp"
#include "gatehouse/kiosk/remote_kiosk.hpp"
#include "gatehouse/kiosk/sync.hpp"
#include "gatehouse/testing/test_database.hpp"
#include "gatehouse/testing/wait.hpp"

namespace gatehouse::faults {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::waitUntil;

class KioskCauses : public ::testing::Test {
 protected:
  void SetUp() override {
    owner_ = std::make_unique<backend::Connection>(db_.url());
    demo_ = backend::seedDemo(*owner_);
    owner_->exec("UPDATE gh.estate SET offline_pin_approvals = 1000000");  // PIN approvals galore
    char tmpl[] = "/tmp/gh-causes-XXXXXX";
    dir_ = mkdtemp(tmpl);
    unit_ = count("SELECT id FROM gh.unit WHERE label = 'A-101'");
    guard_ = count("SELECT id FROM gh.person WHERE role = 'guard' ORDER BY id LIMIT 1");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::int64_t count(const std::string& sql, const backend::Params& params = {}) {
    return owner_->exec("SELECT (" + sql + ") AS n", params)[0].int64("n");
  }
  std::unique_ptr<kiosk::Remote> remote(std::size_t k) {
    return kiosk::connectKioskRemote(db_.urlAs("gatehouse_kiosk"), demo_.kiosks[k].kioskId,
                                     demo_.kiosks[k].token);
  }
  backend::KioskClient client(std::size_t k) {
    return backend::KioskClient(db_.urlAs("gatehouse_kiosk"),
                                {demo_.kiosks[k].kioskId, demo_.kiosks[k].token});
  }
  kiosk::OutboxEvent alertEvent() {
    kiosk::OutboxEvent e;
    e.id = Uuid::random();
    e.kind = "alert";
    e.payload = nlohmann::json{{"kind", "help_requested"}, {"details", "{}"}}.dump();
    e.createdAt = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    return e;
  }
  kiosk::OutboxEvent exitEvent(const ExitToken& token) {
    kiosk::OutboxEvent e = alertEvent();
    e.visit = token.visitId;
    e.kind = "check_out";
    e.payload = nlohmann::json{{"token", token.encode()}, {"at", e.createdAt}}.dump();
    return e;
  }
  // A visit checked in at kiosk 0 (whose clock is right) `ago` before now, with this badge.
  ExitToken checkedIn(std::chrono::minutes ago = std::chrono::minutes(0)) {
    auto c = client(0);
    const auto at = std::chrono::system_clock::now() - ago;
    backend::VisitRequest r;
    r.visitId = Uuid::random();
    r.unitId = unit_;
    r.visitorName = "Vera Visitor";
    r.requestedAt = at - 2min;
    c.requestVisit(r);
    c.guardApprove(r.visitId, guard_, "test", at - 1min);
    const ExitToken t = ExitToken::generate(r.visitId);
    c.checkIn(r.visitId, t.secretHashHex(), at);
    return t;
  }

  gatehouse::testing::TestDatabase db_;
  std::unique_ptr<backend::Connection> owner_;
  backend::DemoEstate demo_;
  fs::path dir_;
  std::int64_t unit_ = 0, guard_ = 0;
};

// Cause 2: the kiosk crashed after the database stored its alert and before it marked it sent.
TEST_F(KioskCauses, AnAlertDeliveredTwiceIsRaisedOnce) {
  auto r = remote(0);
  const auto e = alertEvent();
  const std::string first = r->send(e);
  EXPECT_EQ(r->send(e), first);
  EXPECT_EQ(count("SELECT count(*) FROM gh.alert WHERE kind = 'help_requested' AND kiosk_id = $1",
                  {demo_.kiosks[0].kioskId}),
            1);
}

// Cause 2, the refusal alert inside the exit: a forged badge resent after a crash alerts once.
TEST_F(KioskCauses, ARefusedExitDeliveredTwiceAlertsTheGuardOnce) {
  ExitToken forged = checkedIn();
  forged.secret[0] ^= 0xFF;
  auto r = remote(1);
  const auto e = exitEvent(forged);
  EXPECT_EQ(r->send(e), "unknown_badge");
  EXPECT_EQ(r->send(e), "unknown_badge");
  EXPECT_EQ(count("SELECT count(*) FROM gh.alert WHERE kind = 'unknown_badge'"), 1);
}

// Cause 1: the visitor leaves by gate B while gate A still holds their check-in.
TEST_F(KioskCauses, AnExitAtAnotherGateBeforeTheEntryArrivesIsRecordedWhenItDoes) {
  auto boxA = kiosk::Outbox::open((dir_ / "a.sqlite").string()).value();
  auto boxB = kiosk::Outbox::open((dir_ / "b.sqlite").string()).value();
  flow::EventQueue eventsA, eventsB;
  kiosk::WorkerOptions wo;
  wo.deferEvery = 1s;
  wo.maxDefer = 2s;
  wo.heartbeatEvery = 500ms;
  kiosk::BackendWorker workerA(
      *boxA, eventsA, [&] { return remote(0); }, wo);
  kiosk::BackendWorker workerB(
      *boxB, eventsB, [&] { return remote(1); }, wo);
  kiosk::OutboxVisitBackend gateA(*boxA, workerA, SystemClock::instance());
  kiosk::OutboxVisitBackend gateB(*boxB, workerB, SystemClock::instance());

  flow::VisitRequest req;
  req.visitId = Uuid::random();
  req.unitId = unit_;
  req.visitor.name = "Olga Smirnova";
  req.requestedAt = SystemClock::instance().unixSeconds();
  gateA.requestVisit(req);  // gate A is offline: its worker has not started
  gateA.guardApprovedAtKiosk(req.visitId, std::to_string(guard_), "");
  const ExitToken badge = ExitToken::generate(req.visitId);
  gateA.checkIn(req.visitId, badge);
  gateB.checkOut(badge, {0xFF, 0xD8, 'e', 'x', 'i', 't'});
  workerB.start();

  std::optional<flow::Event> answer;
  ASSERT_TRUE(waitUntil(
      [&] {
        for (auto& ev : eventsB.drain())
          if (ev.kind == flow::EventKind::ExitRecorded || ev.kind == flow::EventKind::ExitRefused)
            answer = ev;
        return answer.has_value();
      },
      60s));
  EXPECT_EQ(answer->kind, flow::EventKind::ExitRecorded) << "visitor told: " << answer->text;
  EXPECT_EQ(count("SELECT count(*) FROM gh.alert"), 0) << "a false alert for the guard";

  workerA.start();  // gate A comes back
  EXPECT_TRUE(waitUntil(
      [&] {
        return count(
                   "SELECT count(*) FROM gh.visit WHERE id = $1 AND status = 'checked_out' AND "
                   "exit_kiosk_id = $2",
                   {req.visitId, demo_.kiosks[1].kioskId}) == 1;
      },
      90s))
      << "the exit at gate B never reached the visit";
  EXPECT_TRUE(waitUntil(
      [&] {
        return count("SELECT count(*) FROM gh.evidence WHERE visit_id = $1 AND kind = 'exit_photo'",
                     {req.visitId}) == 1;
      },
      60s))
      << "the exit photo was refused";
  // Gate A's PIN approval was checked offline: listed for a guard's review, nothing else.
  EXPECT_EQ(count("SELECT count(*) FROM gh.alert WHERE kind <> 'offline_pin_approval'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM gh.alert WHERE kind = 'offline_pin_approval' AND "
                  "visit_id = $1",
                  {req.visitId}),
            1);
  workerA.stop();
  workerB.stop();
}

// The retryable answer has a deadline on the server's clock: then the guard is told, once.
TEST_F(KioskCauses, AnExitWaitingLongerThanTheLimitAlertsTheGuardOnce) {
  auto r = remote(1);
  const auto e = exitEvent(ExitToken::generate(Uuid::random()));  // a visit no kiosk delivers
  EXPECT_EQ(r->send(e), "not_yet_known");
  EXPECT_EQ(count("SELECT count(*) FROM gh.alert"), 0);
  owner_->exec("UPDATE gh.exit_wait SET first_seen = now() - gh.exit_wait_limit() - interval '1s'");
  EXPECT_EQ(r->send(e), "unknown_badge");
  EXPECT_EQ(r->send(e), "unknown_badge");
  EXPECT_EQ(count("SELECT count(*) FROM gh.alert WHERE kind = 'unknown_badge'"), 1);
}

// Clock skew: the heartbeat measures the offset and an exit's claimed time is corrected by it.
TEST_F(KioskCauses, AKioskClockTwoHoursAheadIsMeasuredAndItsExitTimeCorrected) {
  const ExitToken badge = checkedIn(30min);
  auto c = client(1);
  const auto skew = 2h;
  const auto offset = c.heartbeat(backend::Heartbeat{"welcome", "{}", 0, "test"},
                                  std::chrono::system_clock::now() + skew);
  EXPECT_NEAR(static_cast<double>(offset.count()), 7200.0, 5.0);
  // The visitor left ten minutes ago by the real clock; the kiosk says so on its own clock.
  const auto claimed = std::chrono::system_clock::now() + skew - 10min;
  EXPECT_EQ(c.recordExit(Uuid::random(), badge, claimed), backend::ExitOutcome::Recorded);
  const auto agoS =
      count("SELECT extract(epoch FROM now() - exited_at)::bigint FROM gh.visit WHERE id = $1",
            {badge.visitId});
  EXPECT_NEAR(static_cast<double>(agoS), 600.0, 30.0) << "exit time not corrected for the skew";
}

// A kiosk two hours slow: its honest request and check-in land at the server's "now", not two
// hours in the past (and a bound on claimed times, applied after the correction, keeps them).
TEST_F(KioskCauses, AKioskClockTwoHoursBehindHasItsVisitTimesCorrected) {
  auto c = client(0);
  const auto kioskNow = [] { return std::chrono::system_clock::now() - 2h; };
  c.heartbeat(backend::Heartbeat{"welcome", "{}", 0, "test"}, kioskNow());
  backend::VisitRequest r;
  r.visitId = Uuid::random();
  r.unitId = unit_;
  r.visitorName = "Vera Visitor";
  r.requestedAt = kioskNow();
  c.requestVisit(r);
  c.guardApprove(r.visitId, guard_, "test", kioskNow());
  c.checkIn(r.visitId, ExitToken::generate(r.visitId).secretHashHex(), kioskNow());
  for (const char* column : {"requested_at", "decided_at", "entered_at"}) {
    const auto agoS = count(std::string("SELECT extract(epoch FROM now() - ") + column +
                                ")::bigint FROM gh.visit WHERE id = $1",
                            {r.visitId});
    EXPECT_LT(std::abs(agoS), 60) << column << " is " << agoS << " s ago";
  }
}

}  // namespace
}  // namespace gatehouse::faults
