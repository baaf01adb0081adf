// The SQLite outbox survives abandoned writes and kills: nothing recorded is lost, nothing doubled.
#include "gatehouse/kiosk/outbox.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "gatehouse/kiosk/sync.hpp"
#include "gatehouse/testing/wait.hpp"

namespace gatehouse::kiosk {
namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/gh-outbox-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const char* name) const { return (path / name).string(); }
};

OutboxEvent ev(const Uuid& visit, const std::string& kind, std::vector<std::uint8_t> blob = {}) {
  OutboxEvent e;
  e.id = Uuid::random();
  e.visit = visit;
  e.kind = kind;
  e.payload = "{}";
  e.blob = std::move(blob);
  return e;
}

TEST(Outbox, KeepsEventsInOrderAcrossReopen) {
  TempDir dir;
  const Uuid visit = Uuid::random();
  {
    auto box = Outbox::open(dir.file("o.sqlite"));
    ASSERT_TRUE(box.ok()) << box.error().message;
    ASSERT_TRUE((*box)->add({ev(visit, "request_visit"), ev(visit, "evidence", {1, 2, 3})}).ok());
    ASSERT_TRUE((*box)->add(ev(visit, "check_in")).ok());
  }
  auto box = Outbox::open(dir.file("o.sqlite"));
  ASSERT_TRUE(box.ok());
  auto pending = (*box)->pending(10);
  ASSERT_EQ(pending.size(), 3u);
  EXPECT_EQ(pending[0].kind, "request_visit");
  EXPECT_EQ(pending[1].kind, "evidence");
  EXPECT_EQ(pending[1].blob, (std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_EQ(pending[2].kind, "check_in");
  EXPECT_TRUE((*box)->markSent(pending[0].id, "pending").ok());
  EXPECT_EQ((*box)->depth(), 2);
  EXPECT_EQ((*box)->history(visit).size(), 3u);
}

TEST(Outbox, TheSameEventTwiceIsStoredOnce) {
  TempDir dir;
  auto box = Outbox::open(dir.file("o.sqlite")).value();
  const OutboxEvent e = ev(Uuid::random(), "request_visit");
  ASSERT_TRUE(box->add(e).ok());
  ASSERT_TRUE(box->add(e).ok());
  EXPECT_EQ(box->depth(), 1);
}

TEST(Outbox, AnAbandonedWriteLeavesNoTraceAfterReopen) {
  TempDir dir;
  const std::string path = dir.file("o.sqlite");
  const Uuid kept = Uuid::random();
  {
    auto box = Outbox::open(path).value();
    ASSERT_TRUE(box->add(ev(kept, "request_visit")).ok());
  }
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // A process that dies in the middle of a transaction (power cut while writing).
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db,
                 "BEGIN IMMEDIATE; INSERT INTO outbox (id, visit, kind, payload, created_at) "
                 "VALUES ('00000000-0000-4000-8000-000000000001', 'x', 'request_visit', '{}', 0);",
                 nullptr, nullptr, nullptr);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  auto box = Outbox::open(path).value();
  auto pending = box->pending(10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].visit, kept);
}

TEST(Outbox, KilledWhileWritingKeepsWholeVisitsOnly) {
  TempDir dir;
  const std::string path = dir.file("o.sqlite");
  { ASSERT_TRUE(Outbox::open(path).ok()); }
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto box = Outbox::open(path).value();
    std::vector<std::uint8_t> photo(64 * 1024, 7);
    for (;;) {
      const Uuid v = Uuid::random();
      (void)box->add({ev(v, "request_visit"), ev(v, "evidence", photo)});
    }
  }
  auto box = Outbox::open(path).value();
  ASSERT_TRUE(testing::waitUntil([&] { return box->depth() >= 40; }));
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  box.reset();
  box = Outbox::open(path).value();
  std::map<std::string, std::vector<std::string>> byVisit;
  for (const auto& e : box->pending(100000)) byVisit[e.visit.toString()].push_back(e.kind);
  ASSERT_GE(byVisit.size(), 20u);
  for (const auto& [visit, kinds] : byVisit) {
    EXPECT_EQ(kinds, (std::vector<std::string>{"request_visit", "evidence"})) << visit;
  }
}

TEST(Outbox, UnfinishedVisitsAreCancelledOnRecovery) {
  TempDir dir;
  auto box = Outbox::open(dir.file("o.sqlite")).value();
  const Uuid done = Uuid::random(), halfway = Uuid::random();
  ASSERT_TRUE(box->beginVisit(done, "walk_in").ok());
  ASSERT_TRUE(box->beginVisit(halfway, "walk_in").ok());
  OutboxEvent request;
  request.id = Uuid::random();
  request.visit = halfway;
  request.kind = "request_visit";
  request.payload = "{}";
  ASSERT_TRUE(box->add(request).ok());
  ASSERT_TRUE(box->endVisit(done, "checked_in").ok());
  EXPECT_EQ(recoverUnfinishedVisits(*box), 1);
  auto pending = box->pending(10);
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[1].kind, "cancel");
  EXPECT_EQ(pending[1].visit, halfway);
  EXPECT_EQ(recoverUnfinishedVisits(*box), 0);  // recovery itself is not repeated
}

// Found by the fault run: killed after the check-in was written but before the visit was noted
// finished, the kiosk used to cancel a checked-in visit on restart (refused by the database).
TEST(Outbox, RecoveryDoesNotCancelAVisitWhoseCheckInIsInTheOutbox) {
  TempDir dir;
  auto box = Outbox::open(dir.file("o.sqlite")).value();
  const Uuid visit = Uuid::random();
  ASSERT_TRUE(box->beginVisit(visit, "walk_in").ok());
  OutboxEvent checkIn;
  checkIn.id = Uuid::random();
  checkIn.visit = visit;
  checkIn.kind = "check_in";
  checkIn.payload = "{}";
  ASSERT_TRUE(box->add(checkIn).ok());
  EXPECT_EQ(recoverUnfinishedVisits(*box), 0);
  auto pending = box->pending(10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].kind, "check_in");
  EXPECT_TRUE(box->unfinishedVisits().empty());
}

// Also from the fault run: killed before the request was written, the visit is unknown to the
// server, so a cancel would only be refused (visit_not_found).
TEST(Outbox, RecoveryDoesNotCancelAVisitTheOutboxNeverHeldAnEventFor) {
  TempDir dir;
  auto box = Outbox::open(dir.file("o.sqlite")).value();
  ASSERT_TRUE(box->beginVisit(Uuid::random(), "walk_in").ok());
  EXPECT_EQ(recoverUnfinishedVisits(*box), 0);
  EXPECT_TRUE(box->pending(10).empty());
  EXPECT_TRUE(box->unfinishedVisits().empty());
}

TEST(Outbox, CacheValuesPersist) {
  TempDir dir;
  {
    auto box = Outbox::open(dir.file("o.sqlite")).value();
    ASSERT_TRUE(box->put("estate_keys", "[1]").ok());
    ASSERT_TRUE(box->put("estate_keys", "[2]").ok());
  }
  auto box = Outbox::open(dir.file("o.sqlite")).value();
  EXPECT_EQ(box->get("estate_keys"), "[2]");
  EXPECT_FALSE(box->get("nothing"));
}

}  // namespace
}  // namespace gatehouse::kiosk
