// LISTEN/NOTIFY: payloads, delivery only after commit, and recovery after a server restart.
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "backend_fixture.hpp"
#include "gatehouse/backend/listener.hpp"
#include "gatehouse/testing/wait.hpp"

using namespace gatehouse;
using namespace gatehouse::backend;
using namespace gatehouse::backend::test;
using gatehouse::testing::Signal;
using gatehouse::testing::waitUntil;

namespace {

struct Inbox {
  std::mutex m;
  std::vector<std::string> payloads;
  Signal arrived;
  void push(const Notification& n) {
    {
      std::lock_guard lock(m);
      payloads.push_back(n.payload);
    }
    arrived.notify();
  }
  bool contains(const std::string& needle) {
    std::lock_guard lock(m);
    for (const auto& p : payloads)
      if (p.find(needle) != std::string::npos) return true;
    return false;
  }
};

}  // namespace

TEST_F(BackendTest, EveryVisitChangeNotifiesWithASmallJsonPayload) {
  Inbox inbox;
  Listener l(db_->url(), "gatehouse", [&](const Notification& n) { inbox.push(n); });
  ASSERT_TRUE(l.waitConnected(std::chrono::seconds(10)));
  const auto r = walkIn();
  kiosk_->requestVisit(r);
  decideAs("a-101@harbour.example", r.visitId, true);
  ASSERT_TRUE(waitUntil([&] { return inbox.contains("\"status\" : \"approved\""); }));
  EXPECT_TRUE(inbox.contains("\"visit\" : \"" + r.visitId.toString() + "\""));
  EXPECT_TRUE(inbox.contains("\"estate\" : " + std::to_string(demo_.estateId)));
  EXPECT_TRUE(inbox.contains("\"status\" : \"pending\""));
}

TEST_F(BackendTest, NotificationArrivesAfterCommitAndNotBefore) {
  Inbox inbox;
  Listener l(db_->url(), "gatehouse", [&](const Notification& n) { inbox.push(n); });
  ASSERT_TRUE(l.waitConnected(std::chrono::seconds(10)));
  const auto r = walkIn();
  kiosk_->requestVisit(r);
  ASSERT_TRUE(waitUntil([&] { return inbox.contains(r.visitId.toString()); }));

  auto c = server();
  c.execScript("BEGIN");
  c.exec("SELECT set_config('gatehouse.person_id', $1, true)",
         {std::to_string(personId("a-101@harbour.example"))});
  c.exec("SELECT gh.decide_visit($1, true)", {r.visitId});
  // A sentinel committed by someone else while the decision is still open: notifications are
  // delivered in commit order, so once the sentinel is here the decision would be too if it leaked.
  owner_->exec("SELECT pg_notify('gatehouse', 'sentinel-1')");
  ASSERT_TRUE(waitUntil([&] { return inbox.contains("sentinel-1"); }));
  EXPECT_FALSE(inbox.contains("\"status\" : \"approved\""));
  c.execScript("COMMIT");
  ASSERT_TRUE(waitUntil([&] { return inbox.contains("\"status\" : \"approved\""); }));

  // A rolled-back decision never notifies.
  const auto r2 = walkIn();
  kiosk_->requestVisit(r2);
  c.execScript("BEGIN");
  c.exec("SELECT set_config('gatehouse.person_id', $1, true)",
         {std::to_string(personId("a-101@harbour.example"))});
  c.exec("SELECT gh.decide_visit($1, false)", {r2.visitId});
  c.execScript("ROLLBACK");
  owner_->exec("SELECT pg_notify('gatehouse', 'sentinel-2')");
  ASSERT_TRUE(waitUntil([&] { return inbox.contains("sentinel-2"); }));
  EXPECT_FALSE(inbox.contains("\"status\" : \"denied\""));
}

// Its own private cluster, so stopping it disturbs no other test.
TEST(ListenerRestart, ReconnectsRelistensAndAsksForResync) {
  const char* script = std::getenv("GATEHOUSE_PG_CLUSTER_SCRIPT");
  ASSERT_NE(script, nullptr);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("gh-restart-" + Uuid::random().toString().substr(0, 8));
  const std::string cluster = std::string(script) + " ";
  auto sh = [&](const std::string& cmd) {
    return std::system((cluster + cmd + " " + dir.string() + " 54331").c_str());
  };
  ASSERT_EQ(sh("start"), 0);
  const std::string url = "postgresql://postgres@/postgres?host=" + dir.string() + "&port=54331";

  Inbox inbox;
  Signal resyncs, downs;
  Listener l(
      url, "gatehouse", [&](const Notification& n) { inbox.push(n); }, [&] { resyncs.notify(); },
      [&](bool up) {
        if (!up) downs.notify();
      },
      ListenerOptions{std::chrono::milliseconds(20), std::chrono::milliseconds(200)});
  ASSERT_TRUE(resyncs.waitFor(1));
  Connection(url).exec("SELECT pg_notify('gatehouse', 'before-restart')");
  ASSERT_TRUE(inbox.arrived.waitFor(1));

  ASSERT_EQ(sh("stop"), 0);
  ASSERT_TRUE(downs.waitFor(1)) << "listener did not notice the server going away";
  EXPECT_FALSE(l.connected());
  ASSERT_EQ(sh("start"), 0);
  ASSERT_TRUE(resyncs.waitFor(2, std::chrono::seconds(20))) << "listener did not come back";
  EXPECT_TRUE(l.connected());
  Connection(url).exec("SELECT pg_notify('gatehouse', 'after-restart')");
  ASSERT_TRUE(waitUntil([&] { return inbox.contains("after-restart"); }));
  sh("stop");
  std::filesystem::remove_all(dir);
}
