// LiveConsole through the real server (gatehouse-portal) and a real database: queue, decisions,
// kiosk wall, alerts, worker, the server going away and coming back, sign-in.
#include "gatehouse/console/live.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "gatehouse/console/housekeeper.hpp"
#include "gatehouse/console/offline_access.hpp"
#include "gatehouse/console/reports.hpp"
#include "server_fixture.hpp"

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

using LiveTest = ServerConsoleTest;

LiveOptions optionsWith(std::chrono::milliseconds reconnectEvery, std::string cache = {}) {
  LiveOptions o;
  o.reconnectEvery = reconnectEvery;
  if (!cache.empty()) o.cachePassword = "gatehouse-demo";  // the guard's, as at sign-in
  o.cachePath = std::move(cache);
  o.stream.backoffMin = std::chrono::milliseconds(50);
  o.stream.backoffMax = std::chrono::milliseconds(300);
  return o;
}

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
  EXPECT_EQ(p.visitorPhone, "+44 20 7946 0999");
  EXPECT_FALSE(p.hostPhones.empty());  // the household to call from the desk
  EXPECT_TRUE(waitUntil([&] {          // the photo follows with the next reload at the latest
    live->pump();
    return !live->snapshot().queue.empty() && !live->snapshot().queue.front().photo.empty();
  }));
  EXPECT_GE(live->eventsApplied(), 1u);
}

TEST_F(LiveTest, ApprovalOnBehalfReachesBackendWithReasonAndAuditRow) {
  auto live = openConsole(SystemClock::instance());
  const Uuid v = walkIn(1, "Tom Courier", "B-204");
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return inQueue(live->snapshot(), v);
  }));

  auto refused = actNow(*live, [&](ConsoleBackend& b) { b.decide(v, true, ""); });
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->kind(), BackendErrorKind::Invalid);
  EXPECT_EQ(actNow(*live, [&](ConsoleBackend& b) { b.decide(v, true, "called the resident"); }),
            std::nullopt);
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return !inQueue(live->snapshot(), v);
  }));

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
  auto late = actNow(*live, [&](ConsoleBackend& b) { b.decide(v, false, "too late"); });
  ASSERT_TRUE(late);
  EXPECT_EQ(late->kind(), BackendErrorKind::Conflict);
}

TEST_F(LiveTest, KioskThatStopsItsHeartbeatTurnsOfflineByTheInjectedClock) {
  ManualClock clock(std::chrono::system_clock::now());
  auto live = openConsole(clock, optionsWith(std::chrono::seconds(2)));
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
  const auto reloads = live->loaded();
  live->reloadAll();  // pick up the moved heartbeat (the UPDATE itself does not notify)
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return live->loaded() >= reloads + 4 && live->settled() && tile(1).lastHeartbeat &&
           std::chrono::abs(*tile(1).lastHeartbeat - clock.now()) < std::chrono::seconds(1);
  }));
  clock.advance(std::chrono::seconds(10));
  live->pump();  // no event needed: ages are recomputed from the clock every frame
  EXPECT_FALSE(tile(0).online);
  EXPECT_NEAR(tile(0).heartbeatAgeS, 20, 2);
  EXPECT_TRUE(tile(1).online);
}

TEST_F(LiveTest, WatchlistHitAlertsAndIsAcknowledgedByTheNamedGuard) {
  {
    auto admin = signIn(demo_.adminEmail);
    admin->watchlistAdd("Иван Иванов", "threatened staff");
  }
  auto live = openConsole(SystemClock::instance());
  const Uuid v = walkIn(0, "IVANOV Ivan");
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return findAlert(live->snapshot(), "watchlist_hit", v) != nullptr;
  }));
  const AlertItem a = *findAlert(live->snapshot(), "watchlist_hit", v);
  EXPECT_EQ(a.kioskName, "Main gate");
  ASSERT_TRUE(inQueue(live->snapshot(), v));
  EXPECT_TRUE(live->snapshot().queue.front().held);

  EXPECT_EQ(actNow(*live, [&](ConsoleBackend& b) { EXPECT_EQ(b.acknowledge({a.id}), 1); }),
            std::nullopt);
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return findAlert(live->snapshot(), "watchlist_hit", v) == nullptr;
  }));
  auto row = owner_->exec(
      "SELECT acknowledged_by, acknowledged_at IS NOT NULL AS acked FROM gh.alert WHERE id = $1",
      {a.id})[0];
  EXPECT_EQ(row.int64("acknowledged_by"), guard_);
  EXPECT_TRUE(row.boolean("acked"));
  // Only once: a second acknowledgement acknowledges nothing.
  auto again = actNow(*live, [&](ConsoleBackend& b) { EXPECT_EQ(b.acknowledge({a.id}), 0); });
  EXPECT_TRUE(!again || again->kind() == BackendErrorKind::NotFound);
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
  const auto loaded = live->loaded();
  live->reloadAll();
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return live->loaded() >= loaded + 4 && live->settled();
  }));
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

TEST_F(LiveTest, KeepsOnSiteAndEvacuationListWhenTheServerIsKilledAndResyncsWhenBack) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("gh-console-cache-" + Uuid::random().toString());
  std::filesystem::create_directories(dir);
  const std::string cache = (dir / "cache.sqlite").string();
  const Uuid a = onSiteVisitor(0, "Anna Inside");
  auto live =
      openConsole(SystemClock::instance(), optionsWith(std::chrono::milliseconds(100), cache));
  ASSERT_EQ(live->snapshot().onSite.size(), 1u);
  EXPECT_FALSE(live->snapshot().onSite[0].photo.empty());

  server_->kill();
  ASSERT_TRUE(waitUntil(
      [&] {
        live->pump();
        return !live->online() && !live->serverReachable();
      },
      std::chrono::seconds(20)));
  // Still on screen, marked as the last saved copy: the evacuation list prints from it.
  ASSERT_EQ(live->snapshot().onSite.size(), 1u);
  EXPECT_EQ(live->snapshot().onSite[0].visitId, a);
  EXPECT_TRUE(live->snapshot().onSiteFromCache);
  const auto pdf = dir / "evacuation.pdf";
  ASSERT_TRUE(writeEvacuationPdf(live->snapshot().onSite, "Harbour View",
                                 std::chrono::system_clock::now(), true, pdf.string()));
  EXPECT_GT(std::filesystem::file_size(pdf), 1000u);

  // Nothing is lost: what happens while the console is cut off shows after the resync.
  const Uuid v = walkIn(0, "During Outage");
  const Uuid b = onSiteVisitor(1, "Boris Arrived");
  server_->restart();
  ASSERT_TRUE(waitUntil(
      [&] {
        live->pump();
        return live->online() && inQueue(live->snapshot(), v) &&
               live->snapshot().onSite.size() == 2 && !live->snapshot().onSiteFromCache;
      },
      std::chrono::seconds(30)));
  const Uuid w = walkIn(1, "After Outage");
  ASSERT_TRUE(waitUntil([&] {
    live->pump();
    return inQueue(live->snapshot(), w);
  }));
  (void)b;
  live.reset();
  std::filesystem::remove_all(dir);
}

TEST_F(LiveTest, OnSiteListComesFromTheLocalCacheWhileTheServerIsAway) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("gh-console-cache-" + Uuid::random().toString());
  std::filesystem::create_directories(dir);
  const std::string cache = (dir / "cache.sqlite").string();
  const Uuid a = onSiteVisitor(0, "Anna Inside");
  {
    auto live = openConsole(SystemClock::instance(), optionsWith(std::chrono::seconds(2), cache));
    ASSERT_EQ(live->snapshot().onSite.size(), 1u);
    EXPECT_FALSE(live->snapshot().onSiteFromCache);
  }
  auto client = client_;  // signed in, then the server goes away
  server_->kill();
  LiveConsole offline(client, SystemClock::instance(),
                      optionsWith(std::chrono::seconds(60), cache));
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

TEST_F(LiveTest, ACopiedConfigAndCacheGiveNothingWithoutPasswordAndTotp) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("gh-console-copy-" + Uuid::random().toString());
  std::filesystem::create_directories(dir);
  const std::string cache = (dir / "cache.sqlite").string();
  onSiteVisitor(0, "Anna Inside");
  std::string cookie;
  {
    auto live = openConsole(SystemClock::instance(), optionsWith(std::chrono::seconds(2), cache));
    cookie = client_->cookie();
    ASSERT_FALSE(cookie.empty());
  }
  // The cache (and its WAL) holds no session and no credential.
  std::ostringstream all;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(f.path(), std::ios::binary);
    all << in.rdbuf();
  }
  const std::string bytes = all.str();
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.find(cookie.substr(cookie.find('=') + 1)), std::string::npos);
  EXPECT_EQ(bytes.find("gatehouse-demo"), std::string::npos);
  // ...and nobody's name in clear; without the guard's password it opens to nothing.
  EXPECT_EQ(bytes.find("Anna Inside"), std::string::npos);
  auto stolen = LocalCache::open(cache, "a thief's guess", CacheUnlock::Refuse);
  ASSERT_FALSE(stolen);
  EXPECT_EQ(stolen.error().code, "cache_password");
  {
    auto mine = LocalCache::open(cache, "gatehouse-demo", CacheUnlock::Refuse);
    ASSERT_TRUE(mine) << mine.error().message;
    auto list = (*mine)->loadOnSite();
    ASSERT_TRUE(list);
    ASSERT_EQ(list->visitors.size(), 1u);
    EXPECT_EQ(list->visitors[0].visitorName, "Anna Inside");
  }
  // A thief with the config (the server's URL) gets nothing without the guard's secrets.
  ServerClient thief(serverOptions());
  EXPECT_THROW(thief.queue(), BackendError);
  const std::string secret = enableTotp(demo_.guardEmails[0]);
  for (const std::string& code : {std::string(), std::string("000000")}) {
    try {
      thief.login(demo_.guardEmails[0], "gatehouse-demo", code);
      ADD_FAILURE() << "signed in with TOTP code '" << code << "'";
    } catch (const BackendError& e) {
      EXPECT_EQ(e.code(), "invalid_credentials") << code;
    }
  }
  EXPECT_FALSE(thief.signedIn());
  try {
    thief.onSite();
    ADD_FAILURE() << "on-site list without a session";
  } catch (const BackendError& e) {
    EXPECT_EQ(e.kind(), BackendErrorKind::SignedOut);
  }
  std::filesystem::remove_all(dir);
}

TEST_F(LiveTest, TheSealedListOpensOfflineAndTheProbeSeesTheServerComeBack) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("gh-console-off-" + Uuid::random().toString());
  std::filesystem::create_directories(dir);
  const std::string cache = (dir / "cache.sqlite").string();
  onSiteVisitor(0, "Anna Inside");
  { auto live = openConsole(SystemClock::instance(), optionsWith(std::chrono::seconds(2), cache)); }
  auto pumpUntil = [](OfflineAccess& a, const std::function<bool()>& done) {
    return waitUntil(
        [&] {
          a.pump();
          return done();
        },
        std::chrono::seconds(30));
  };
  {  // the server is up: nothing offline is offered
    OfflineAccess access(serverOptions(), {cache, std::chrono::milliseconds(100)});
    ASSERT_TRUE(pumpUntil(access, [&] { return access.server() == ServerReach::Reachable; }));
    EXPECT_FALSE(access.offered());
  }
  const std::string audited = scalar("SELECT count(*) FROM gh.audit_log");
  server_->kill();
  OfflineAccess access(serverOptions(), {cache, std::chrono::milliseconds(100)});
  ASSERT_TRUE(pumpUntil(access, [&] { return access.offered(); }));
  ASSERT_TRUE(access.unlock("a thief's guess"));
  ASSERT_TRUE(pumpUntil(access, [&] { return !access.checking(); }));
  EXPECT_EQ(access.error(), "cache_password");
  EXPECT_FALSE(access.list());
  ASSERT_TRUE(access.unlock("gatehouse-demo"));
  ASSERT_TRUE(pumpUntil(access, [&] { return !access.checking(); }));
  ASSERT_TRUE(access.list());
  ASSERT_EQ(access.list()->visitors.size(), 1u);
  EXPECT_EQ(access.list()->visitors[0].visitorName, "Anna Inside");
  EXPECT_FALSE(access.list()->visitors[0].photo.empty());
  server_->restart();
  ASSERT_TRUE(pumpUntil(access, [&] { return access.server() == ServerReach::Reachable; }));
  EXPECT_TRUE(access.list());  // still shown until the guard signs in: never taken away
  EXPECT_EQ(scalar("SELECT count(*) FROM gh.audit_log"), audited);  // only /healthz was asked
  std::filesystem::remove_all(dir);
}

TEST_F(LiveTest, ATotpCodeUsedOnceIsRefusedTheSecondTime) {
  const std::string secret = enableTotp(demo_.guardEmails[0]);
  const std::string code = codeFor(secret);
  ServerClient first(serverOptions());
  const Session s = first.login(demo_.guardEmails[0], "gatehouse-demo", code);
  EXPECT_EQ(s.role, "guard");
  EXPECT_EQ(first.session().fullName, "Grace Guard");
  ServerClient second(serverOptions());
  try {
    second.login(demo_.guardEmails[0], "gatehouse-demo", code);
    FAIL() << "the same code signed in twice";
  } catch (const BackendError& e) {
    EXPECT_EQ(e.code(), "invalid_credentials");
  }
  EXPECT_FALSE(second.signedIn());
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
