// The sync worker sends the outbox in order, exactly once, across an outage; results reach the
// flow.
#include "gatehouse/kiosk/sync.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>

#include "gatehouse/backend/error.hpp"
#include "gatehouse/testing/wait.hpp"

namespace gatehouse::kiosk {
namespace {

using flow::EventKind;

// Behaves like the database: reachable or not, idempotent on event ids, decisions set by the test.
struct FakeDatabase {
  std::mutex m;
  std::atomic<bool> reachable{true};
  std::vector<std::string> received;  // kinds, in arrival order, first arrival only
  std::set<std::string> ids;
  int deliveries = 0;
  std::map<std::string, std::string> status;
  int heartbeats = 0;
};

struct FakeRemote : Remote {
  FakeDatabase& db;
  explicit FakeRemote(FakeDatabase& d) : db(d) {}
  void check() {
    if (!db.reachable) throw backend::Error(backend::ErrorKind::ConnectionLost, "down");
  }
  std::string send(const OutboxEvent& e) override {
    check();
    std::lock_guard lock(db.m);
    ++db.deliveries;
    if (db.ids.insert(e.id.toString()).second) db.received.push_back(e.kind);
    if (e.kind == "request_visit") {
      db.status.emplace(e.visit.toString(), "pending");
      return db.status[e.visit.toString()];
    }
    if (e.kind == "use_invitation")
      throw backend::Error(backend::ErrorKind::Conflict, "used", {}, "used_up");
    if (e.kind == "check_out") return "unknown_badge";
    return "ok";
  }
  std::string visitStatus(const Uuid& v) override {
    check();
    std::lock_guard lock(db.m);
    auto it = db.status.find(v.toString());
    if (it == db.status.end()) throw backend::Error(backend::ErrorKind::NotFound, "no visit");
    return it->second;
  }
  std::vector<flow::DirectoryEntry> directory(const std::string& q) override {
    check();
    return {flow::DirectoryEntry{7, "A-101", "A", "S."}, flow::DirectoryEntry{8, q, "A", "K."}};
  }
  void heartbeat(const HeartbeatInfo&) override {
    check();
    std::lock_guard lock(db.m);
    ++db.heartbeats;
  }
  void refreshCaches(Outbox& cache) override {
    check();
    (void)cache.put("directory", R"([{"unit":7,"label":"A-101","building":"A","hint":"S."}])");
  }
};

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<Outbox> outbox;
  flow::EventQueue events;
  FakeDatabase db;
  std::unique_ptr<BackendWorker> worker;
  std::vector<flow::Event> seen;
  ManualClock clock;

  Fixture() {
    char tmpl[] = "/tmp/gh-sync-XXXXXX";
    dir = mkdtemp(tmpl);
    outbox = Outbox::open((dir / "o.sqlite").string()).value();
    WorkerOptions o;
    o.pollEvery = std::chrono::milliseconds(5);
    o.heartbeatEvery = std::chrono::milliseconds(20);
    o.maxBackoff = std::chrono::milliseconds(20);
    worker = std::make_unique<BackendWorker>(
        *outbox, events,
        [this] {
          if (!db.reachable) throw backend::Error(backend::ErrorKind::ConnectionLost, "refused");
          return std::unique_ptr<Remote>(new FakeRemote(db));
        },
        o);
  }
  ~Fixture() {
    worker->stop();
    std::filesystem::remove_all(dir);
  }
  bool sawEvent(EventKind k, const std::string& text = "__any") {
    for (auto& e : events.drain()) seen.push_back(std::move(e));
    for (const auto& e : seen) {
      if (e.kind == k && (text == "__any" || e.text == text)) return true;
    }
    return false;
  }
  bool sawConnectivity(bool online) {
    for (auto& e : events.drain()) seen.push_back(std::move(e));
    for (const auto& e : seen) {
      if (e.kind == EventKind::ConnectivityChanged && e.online == online) return true;
    }
    return false;
  }
};

TEST(BackendWorker, SendsEverythingOnceInOrderAfterAnOutage) {
  Fixture f;
  f.db.reachable = false;
  f.worker->start();
  ASSERT_TRUE(testing::waitUntil([&] { return f.sawConnectivity(false); }));
  OutboxVisitBackend port(*f.outbox, *f.worker, f.clock);
  flow::VisitRequest r;
  r.visitId = Uuid::random();
  r.unitId = 7;
  r.visitor.name = "Ivan";
  r.photoJpeg = {1, 2};
  port.requestVisit(r);
  port.raiseAlert("approval_timeout", r.visitId, "{}");
  EXPECT_EQ(f.outbox->depth(), 3);
  f.db.reachable = true;
  ASSERT_TRUE(testing::waitUntil([&] { return f.outbox->depth() == 0; }));
  ASSERT_TRUE(testing::waitUntil([&] { return f.sawEvent(EventKind::RequestAcknowledged); }));
  EXPECT_TRUE(f.sawConnectivity(true));
  std::lock_guard lock(f.db.m);
  EXPECT_EQ(f.db.received, (std::vector<std::string>{"request_visit", "evidence", "alert"}));
}

// The commit (a disk flush) runs on the writer: the flow's call returns before it, and the
// events land in the order the flow made them.
TEST(OutboxVisitBackend, WithAWriterTheFlowsCallReturnsBeforeTheCommit) {
  Fixture f;
  SerialWorker writer;
  std::mutex m;
  std::condition_variable cv;
  bool released = false;
  writer.post([&] {  // the disk is slow today
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return released; });
  });
  OutboxVisitBackend port(*f.outbox, *f.worker, f.clock, &writer);
  flow::VisitRequest r;
  r.visitId = Uuid::random();
  r.photoJpeg = {1, 2};
  port.requestVisit(r);
  port.raiseAlert("approval_timeout", r.visitId, "{}");
  EXPECT_EQ(f.outbox->depth(), 0);  // returned with the commit still queued
  EXPECT_FALSE(writer.idle());
  {
    std::lock_guard lock(m);
    released = true;
  }
  cv.notify_all();
  writer.flush();
  EXPECT_EQ(f.outbox->depth(), 3);
  std::vector<std::string> kinds;
  for (const auto& e : f.outbox->history(r.visitId)) kinds.push_back(e.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"request_visit", "evidence", "alert"}));
}

TEST(BackendWorker, ADecisionMadeInTheDatabaseReachesTheFlow) {
  Fixture f;
  f.worker->start();
  OutboxVisitBackend port(*f.outbox, *f.worker, f.clock);
  flow::VisitRequest r;
  r.visitId = Uuid::random();
  port.requestVisit(r);
  ASSERT_TRUE(testing::waitUntil([&] { return f.sawEvent(EventKind::RequestAcknowledged); }));
  {
    std::lock_guard lock(f.db.m);
    f.db.status[r.visitId.toString()] = "approved";
  }
  ASSERT_TRUE(
      testing::waitUntil([&] { return f.sawEvent(EventKind::DecisionReceived, "approved"); }));
}

TEST(BackendWorker, RefusalsAreReportedAndNotRetried) {
  Fixture f;
  f.worker->start();
  OutboxVisitBackend port(*f.outbox, *f.worker, f.clock);
  InvitationPass pass;
  pass.invitationId = Uuid::random();
  port.useInvitation(Uuid::random(), pass, "Olga");
  port.checkOut(ExitToken::generate(Uuid::random()), {9});
  ASSERT_TRUE(testing::waitUntil([&] { return f.sawEvent(EventKind::PassRefused, "used_up"); }));
  ASSERT_TRUE(
      testing::waitUntil([&] { return f.sawEvent(EventKind::ExitRefused, "unknown_badge"); }));
  ASSERT_TRUE(testing::waitUntil([&] { return f.outbox->depth() == 0; }));
  std::lock_guard lock(f.db.m);
  EXPECT_EQ(f.db.deliveries, 3);  // use_invitation, check_out, exit photo: each once
}

TEST(BackendWorker, SearchesFallBackToTheCachedDirectoryOffline) {
  Fixture f;
  f.worker->start();
  ASSERT_TRUE(testing::waitUntil([&] { return f.outbox->get("directory").has_value(); }));
  f.worker->search("A-1");
  ASSERT_TRUE(testing::waitUntil([&] { return f.sawEvent(EventKind::DirectoryLoaded, "A-1"); }));
  f.db.reachable = false;
  f.seen.clear();
  f.worker->search("a-10");
  ASSERT_TRUE(testing::waitUntil([&] { return f.sawEvent(EventKind::DirectoryLoaded, "a-10"); }));
  for (const auto& e : f.seen) {
    if (e.kind == EventKind::DirectoryLoaded) {
      ASSERT_EQ(e.entries.size(), 1u);
      EXPECT_EQ(e.entries[0].label, "A-101");
    }
  }
}

TEST(BackendWorker, BeatsTheHeartbeat) {
  Fixture f;
  f.worker->setScreen("photo");
  f.worker->start();
  ASSERT_TRUE(testing::waitUntil([&] {
    std::lock_guard lock(f.db.m);
    return f.db.heartbeats >= 2;
  }));
}

}  // namespace
}  // namespace gatehouse::kiosk
