// LiveConsole against a real database: queue, decisions, kiosk wall, alerts, worker, restarts.
#include "gatehouse/console/live.hpp"

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "console_fixture.hpp"
#include "gatehouse/console/housekeeper.hpp"

namespace gatehouse::console::test {
namespace {

using testing::waitUntil;

bool inQueue(const Snapshot& s, const Uuid& v) {
  for (const auto& p : s.queue)
    if (p.id == v) return true;
  return false;
}
const AlertItem* findAlert(const Snapshot& s, const std::string& kind,
                           const std::optional<Uuid>& visit = {}) {
  for (const auto& a : s.alerts)
    if (a.kind == kind && (!visit || a.visitId == visit)) return &a;
  return nullptr;
}

class LiveTest : public ConsoleTest {
 protected:
  std::unique_ptr<LiveConsole> openConsole(const Clock& clock, LiveOptions options = {}) {
    auto live = std::make_unique<LiveConsole>(appUrl(), guard_, clock, options);
    live->start();
    EXPECT_TRUE(waitUntil([&] {
      live->pump();
      return live->online();
    }));
    return live;
  }
};

TEST_F(LiveTest, KioskRequestAppearsInTheQueueLive) {
  auto live = openConsole(SystemClock::instance());
  EXPECT_TRUE(live->snapshot().queue.empty());
  const Uuid v = walkIn(0, "Vera Visitor");
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return inQueue(live->snapshot(), v);
  }));
  const auto& p = live->snapshot().queue.front();
  EXPECT_EQ(p.visitorName, "Vera Visitor");
  EXPECT_EQ(p.unitLabel, "A-101");
  EXPECT_EQ(p.kioskName, "Main gate");
  EXPECT_GE(live->notificationsApplied(), 1u);
}

TEST_F(LiveTest, ApprovalOnBehalfReachesBackendWithReasonAndAuditRow) {
  auto live = openConsole(SystemClock::instance());
  const Uuid v = walkIn(1, "Tom Courier", "B-204");
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return inQueue(live->snapshot(), v);
  }));

  EXPECT_EQ(live->decide(v, true, ""), std::optional<std::string>("reason_required"));
  EXPECT_EQ(live->decide(v, true, "called the resident"), std::nullopt);
  EXPECT_FALSE(inQueue(live->snapshot(), v));

  auto row = owner_->exec(
      "SELECT status::text AS s, decided_by, decision_channel::text AS c, decision_reason AS r "
      "FROM gh.visit WHERE id = $1",
      {v})[0];
  EXPECT_EQ(row.text("s"), "approved");
  EXPECT_EQ(row.int64("decided_by"), guard_);
  EXPECT_EQ(row.text("c"), "guard");
  EXPECT_EQ(row.text("r"), "called the resident");
  EXPECT_EQ(
      scalar("SELECT count(*) FROM gh.audit_log WHERE subject = $1 AND action = 'visit.approved' "
             "AND actor_person = $2 AND details->>'reason' = 'called the resident'",
             {v.toString(), guard_}),
      "1");
  // The kiosk sees the decision at once.
  EXPECT_EQ(kiosks_[1]->visitStatus(v).status, backend::VisitStatus::Approved);
  // A second decision (the resident racing the guard) is refused.
  EXPECT_EQ(live->decide(v, false, "too late"), std::optional<std::string>("already_decided"));
}

TEST_F(LiveTest, KioskThatStopsItsHeartbeatTurnsOfflineByTheInjectedClock) {
  ManualClock clock(std::chrono::system_clock::now());
  auto live =
      openConsole(clock, LiveOptions{std::chrono::seconds(15), std::chrono::seconds(2), {}});
  kiosks_[0]->heartbeat({"welcome", R"({"camera":"ok","printer":"out_of_paper"})", 3, "1.0"});
  kiosks_[1]->heartbeat({"details", "{}", 0, "1.0"});
  auto tile = [&](int k) {
    for (const auto& t : live->snapshot().kiosks)
      if (t.id == demo_.kiosks[static_cast<std::size_t>(k)].kioskId) return t;
    return KioskTile{};
  };
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return tile(0).online && tile(1).online && tile(1).screen == "details";
  }));
  // Simulated time starts at kiosk 1's real beat, however long the set-up above took.
  clock.set(*tile(0).lastHeartbeat);
  EXPECT_EQ(tile(0).screen, "welcome");
  EXPECT_EQ(tile(0).outboxDepth, 3);
  EXPECT_EQ(tile(0).faults, std::vector<std::string>{"printer: out_of_paper"});
  EXPECT_EQ(tile(2).name, "Building B lobby");
  EXPECT_FALSE(tile(2).online);  // the third kiosk never beat

  clock.advance(std::chrono::seconds(10));
  kiosks_[1]->heartbeat({"welcome", "{}", 0, "1.0"});
  // Place kiosk 2's beat at the simulated time, as if the wall clock had moved.
  owner_->exec(
      "UPDATE gh.kiosk SET last_heartbeat = to_timestamp($1::float8) WHERE id = $2",
      {std::to_string(std::chrono::duration<double>(clock.now().time_since_epoch()).count()),
       demo_.kiosks[1].kioskId});
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return tile(1).screen == "welcome";
  }));
  live->reloadAll();  // pick up the moved heartbeat (the UPDATE itself does not notify)
  clock.advance(std::chrono::seconds(10));
  live->pump();  // no notification needed: ages are recomputed from the clock every frame
  EXPECT_FALSE(tile(0).online);
  EXPECT_NEAR(tile(0).heartbeatAgeS, 20, 2);
  EXPECT_TRUE(tile(1).online);
}

TEST_F(LiveTest, WatchlistHitAlertsAndIsAcknowledgedByTheNamedGuard) {
  ConsoleStore admin(Connection(appUrl()), admin_);
  admin.watchlistAdd("Иван Иванов", "threatened staff");
  auto live = openConsole(SystemClock::instance());
  const Uuid v = walkIn(0, "IVANOV Ivan");
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return findAlert(live->snapshot(), "watchlist_hit", v) != nullptr;
  }));
  const AlertItem a = *findAlert(live->snapshot(), "watchlist_hit", v);
  EXPECT_NE(a.summary.find("watchlist"), std::string::npos);
  EXPECT_EQ(a.kioskName, "Main gate");
  ASSERT_TRUE(inQueue(live->snapshot(), v));
  EXPECT_TRUE(live->snapshot().queue.front().held);

  EXPECT_EQ(live->acknowledge(a.id), std::nullopt);
  EXPECT_EQ(findAlert(live->snapshot(), "watchlist_hit", v), nullptr);
  auto row = owner_->exec(
      "SELECT acknowledged_by, acknowledged_at IS NOT NULL AS acked FROM gh.alert WHERE id = $1",
      {a.id})[0];
  EXPECT_EQ(row.int64("acknowledged_by"), guard_);
  EXPECT_TRUE(row.boolean("acked"));
  EXPECT_EQ(live->acknowledge(a.id), std::optional<std::string>("alert_not_found"));  // only once
}

TEST_F(LiveTest, EscalatedRequestGoesOnTopAndCuesOnce) {
  auto live = openConsole(SystemClock::instance());
  const Uuid first = walkIn(0, "Early Bird");
  const Uuid second = walkIn(1, "Late Comer");
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return live->snapshot().queue.size() == 2;
  }));
  EXPECT_EQ(live->snapshot().queue.front().id, first);
  EXPECT_EQ(live->escalationCues(), 0);
  kiosks_[1]->raiseAlert("approval_timeout", second);
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return live->snapshot().queue.front().id == second;
  }));
  EXPECT_TRUE(live->snapshot().queue.front().escalated);
  EXPECT_EQ(live->escalationCues(), 1);
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return findAlert(live->snapshot(), "approval_timeout", second) != nullptr;
  }));
  live->reloadAll();
  EXPECT_EQ(live->escalationCues(), 1);  // the same visit never cues twice
}

TEST_F(LiveTest, OverstayAlertFiresFromTheWorkerWithNoConsoleOpenAndShowsWhenItOpens) {
  const Uuid v = onSiteVisitor(0, "Stay Long");
  owner_->exec("UPDATE gh.visit SET expected_exit_at = now() - interval '5 minutes' WHERE id = $1",
               {v});
  const char* bin = std::getenv("GATEHOUSE_WORKER_BIN");
  ASSERT_NE(bin, nullptr);
  const std::string cmd = std::string(bin) + " --config /nonexistent --once --database-url '" +
                          workerUrl() + "' > /dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM gh.alert WHERE kind = 'overstay' AND visit_id = $1", {v}),
            "1");
  ASSERT_EQ(std::system(cmd.c_str()), 0);  // idempotent
  EXPECT_EQ(scalar("SELECT count(*) FROM gh.alert WHERE kind = 'overstay' AND visit_id = $1", {v}),
            "1");

  auto live = openConsole(SystemClock::instance());
  const AlertItem* a = findAlert(live->snapshot(), "overstay", v);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->visitorName, "Stay Long");
}

TEST_F(LiveTest, WorkerRaisesKioskOfflineOncePerSilence) {
  kiosks_[0]->heartbeat({"welcome", "{}", 0, "1.0"});
  owner_->exec("UPDATE gh.kiosk SET last_heartbeat = now() - interval '5 minutes' WHERE id = $1",
               {demo_.kiosks[0].kioskId});
  Connection app(workerUrl());
  EXPECT_EQ(runHousekeeping(app, std::chrono::seconds(60)).kiosksOffline, 1);
  EXPECT_EQ(runHousekeeping(app, std::chrono::seconds(60)).kiosksOffline, 0);
  kiosks_[0]->heartbeat({"welcome", "{}", 0, "1.0"});
  EXPECT_EQ(runHousekeeping(app, std::chrono::seconds(60)).kiosksOffline, 0);  // beating again
  auto live = openConsole(SystemClock::instance());
  const AlertItem* a = findAlert(live->snapshot(), "kiosk_offline");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->kioskName, "Main gate");
  EXPECT_NE(a->summary.find("Main gate"), std::string::npos);
}

TEST_F(LiveTest, HousekeeperLoopEscalatesWithinItsInterval) {
  owner_->exec("UPDATE gh.estate SET approval_timeout_s = 1 WHERE id = $1", {demo_.estateId});
  const Uuid v = walkIn(0, "Patient Person");
  owner_->exec("UPDATE gh.visit SET requested_at = now() - interval '10 seconds' WHERE id = $1",
               {v});
  Housekeeper worker(workerUrl(), {std::chrono::milliseconds(50), std::chrono::seconds(60), {}});
  std::thread t([&] { worker.run(); });
  const bool escalated = waitUntil([&] {
    return scalar("SELECT count(*) FROM gh.alert WHERE kind = 'approval_timeout' AND visit_id = $1",
                  {v}) == "1";
  });
  worker.stop();
  t.join();
  EXPECT_TRUE(escalated);
  EXPECT_GE(worker.passes(), 1);
}

TEST_F(LiveTest, SurvivesTheDatabaseDroppingEveryConnectionAndResyncs) {
  auto live = openConsole(SystemClock::instance(),
                          LiveOptions{std::chrono::seconds(15), std::chrono::milliseconds(50), {}});
  owner_->exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
      "AND pid <> pg_backend_pid()");
  // Nothing is lost: a request made while the console is cut off shows after the resync.
  for (auto& k : kiosks_) k->reconnect();
  const Uuid v = walkIn(0, "During Outage");
  ASSERT_TRUE(waitUntil(
      [&] {
        live->pump();
        return live->online() && inQueue(live->snapshot(), v);
      },
      std::chrono::seconds(20)));
  const Uuid w = walkIn(1, "After Outage");
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return inQueue(live->snapshot(), w);
  }));
}

TEST_F(LiveTest, OnSiteListFallsBackToTheLocalCacheWhenTheDatabaseIsUnreachable) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("gh-console-cache-" + Uuid::random().toString());
  std::filesystem::create_directories(dir);
  const std::string cache = (dir / "cache.sqlite").string();
  const Uuid a = onSiteVisitor(0, "Anna Inside");
  {
    auto live = openConsole(SystemClock::instance(),
                            LiveOptions{std::chrono::seconds(15), std::chrono::seconds(2), cache});
    ASSERT_EQ(live->snapshot().onSite.size(), 1u);
    EXPECT_FALSE(live->snapshot().onSiteFromCache);
  }
  LiveConsole offline("host=/nonexistent-dir port=1 dbname=nope connect_timeout=1", guard_,
                      SystemClock::instance(),
                      LiveOptions{std::chrono::seconds(15), std::chrono::seconds(60), cache});
  offline.start();
  offline.pump();
  EXPECT_FALSE(offline.online());
  ASSERT_EQ(offline.snapshot().onSite.size(), 1u);
  EXPECT_TRUE(offline.snapshot().onSiteFromCache);
  EXPECT_EQ(offline.snapshot().onSite[0].visitId, a);
  EXPECT_EQ(offline.snapshot().onSite[0].visitorName, "Anna Inside");
  EXPECT_FALSE(offline.snapshot().onSite[0].photo.empty());
  std::filesystem::remove_all(dir);
}

TEST_F(LiveTest, HousekeeperPurgesWhatItsInjectedClockSaysIsPastRetention) {
  walkIn(0, "Photo Person");
  auto photosLeft = [&] {
    return scalar("SELECT count(*) FROM gh.evidence WHERE data IS NOT NULL");
  };
  ASSERT_EQ(photosLeft(), "1");
  ManualClock clock(std::chrono::system_clock::now());
  {  // today: nothing is old enough
    Housekeeper worker(workerUrl(), {std::chrono::milliseconds(20),
                                     std::chrono::seconds(60),
                                     {},
                                     &clock,
                                     std::chrono::seconds(0),
                                     500});
    std::thread t([&] { worker.run(); });
    waitUntil([&] { return worker.passes() >= 2; });
    worker.stop();
    t.join();
  }
  EXPECT_EQ(photosLeft(), "1");
  clock.advance(std::chrono::hours(24 * 31));
  std::mutex logMutex;
  std::string logged;
  auto log = [&](const std::string& line) {
    std::lock_guard lock(logMutex);
    logged += line + "\n";
  };
  Housekeeper worker(workerUrl(), {std::chrono::milliseconds(20), std::chrono::seconds(60), log,
                                   &clock, std::chrono::seconds(600), 500});
  std::thread t([&] { worker.run(); });
  const bool purged = waitUntil([&] { return photosLeft() == "0"; });
  worker.stop();
  t.join();
  EXPECT_TRUE(purged) << logged;
  EXPECT_NE(logged.find("retention: purged 1 photos older than"), std::string::npos) << logged;
  EXPECT_EQ(scalar("SELECT count(*) FROM gh.audit_log WHERE action = 'retention.purge' AND "
                   "details->>'message' LIKE 'purged 1 photos older than %'"),
            "1");
}

}  // namespace
}  // namespace gatehouse::console::test
