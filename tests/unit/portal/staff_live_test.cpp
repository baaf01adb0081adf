// Staff live pieces with no database: NOTIFY payload parsing, topics, the hub's cap and framing.
#include "staff_live.hpp"

#include <gtest/gtest.h>

#include "gatehouse/backend/live_event.hpp"

namespace gatehouse::portal {
namespace {

using backend::LiveEventKind;
using backend::parseLiveEvent;
using backend::staffTopics;

class FakeStream : public SseStream {
 public:
  bool send(std::shared_ptr<const std::string> chunk) override {
    if (!open_) return false;
    text_ += *chunk;
    return true;
  }
  bool isOpen() const override { return open_; }
  void close() override { open_ = false; }
  const std::string& text() const { return text_; }

 private:
  bool open_ = true;
  std::string text_;
};

TEST(LiveEvent, ParsesAVisitPayloadOnce) {
  auto e = parseLiveEvent(
      R"({"event":"visit","estate":3,"visit":"8c4e6a4e-2f7c-4b0e-9d7e-0a1b2c3d4e5f","status":"pending","unit":7,"held":true,"escalated":false})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, LiveEventKind::VisitChanged);
  EXPECT_EQ(e->estateId, 3);
  EXPECT_EQ(e->unitId, 7);
  ASSERT_TRUE(e->visitId);
  EXPECT_EQ(e->visitId->toString(), "8c4e6a4e-2f7c-4b0e-9d7e-0a1b2c3d4e5f");
  EXPECT_EQ(e->status, "pending");
  EXPECT_TRUE(e->held);
  EXPECT_EQ(staffTopics(*e), (std::vector<std::string>{"queue", "kiosks"}));
}

TEST(LiveEvent, MapsEachKindToTheStaffViewsItChanges) {
  auto alert =
      parseLiveEvent(R"({"event":"alert","estate":1,"alert":9,"kind":"overstay","kiosk":2})");
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->alertId, 9);
  EXPECT_EQ(alert->detail, "overstay");
  EXPECT_EQ(staffTopics(*alert), std::vector<std::string>{"alerts"});
  auto kiosk = parseLiveEvent(R"({"event":"kiosk","estate":1,"kiosk":2,"screen":"welcome"})");
  ASSERT_TRUE(kiosk);
  EXPECT_EQ(kiosk->kioskId, 2);
  EXPECT_EQ(staffTopics(*kiosk), std::vector<std::string>{"kiosks"});
  auto exited = parseLiveEvent(R"({"event":"visit","estate":1,"status":"checked_out"})");
  ASSERT_TRUE(exited);
  EXPECT_EQ(staffTopics(*exited), (std::vector<std::string>{"onsite", "queue"}));
  auto note = parseLiveEvent(
      R"({"event":"notification","estate":1,"person":4,"notification":5,"kind":"visit_request"})");
  ASSERT_TRUE(note);
  EXPECT_EQ(note->personId, 4);
  EXPECT_EQ(note->notificationId, 5);
  EXPECT_TRUE(staffTopics(*note).empty());
}

TEST(LiveEvent, RefusesWhatIsNotOurs) {
  EXPECT_FALSE(parseLiveEvent(""));
  EXPECT_FALSE(parseLiveEvent("{oops"));
  EXPECT_FALSE(parseLiveEvent("[1]"));
  EXPECT_FALSE(parseLiveEvent(R"({"event":"unheard_of","estate":1})"));
  EXPECT_FALSE(parseLiveEvent(R"({"event":"visit"})"));               // no estate
  EXPECT_FALSE(parseLiveEvent(R"({"event":"visit","estate":"1"})"));  // wrong type
}

TEST(StaffHub, SendsOnlyToTheEventsEstate) {
  StaffHub hub;
  auto mine = std::make_shared<FakeStream>(), theirs = std::make_shared<FakeStream>();
  hub.add({mine, 1, 10, "s1", 0});
  hub.add({theirs, 2, 20, "s2", 0});
  auto e = parseLiveEvent(R"({"event":"alert","estate":10,"alert":3})");
  ASSERT_TRUE(e);
  EXPECT_EQ(hub.publish(*e), 1u);
  EXPECT_EQ(mine->text(), "event: alerts\ndata: {\"alert_id\":3}\n\n");
  EXPECT_EQ(theirs->text(), "");
  EXPECT_EQ(hub.ping(), 2u);
  EXPECT_EQ(theirs->text(), ": ping\n\n");
  EXPECT_EQ(hub.resync(), 2u);
  EXPECT_NE(theirs->text().find("event: resync\n"), std::string::npos);
}

TEST(StaffHub, CapsStreamsPerSessionByClosingTheOldest) {
  StaffHub hub(2);
  std::vector<std::shared_ptr<FakeStream>> s;
  for (int i = 0; i < 3; ++i) {
    s.push_back(std::make_shared<FakeStream>());
    hub.add({s.back(), 1, 10, "same", 0});
  }
  auto other = std::make_shared<FakeStream>();
  hub.add({other, 1, 10, "another session", 0});
  EXPECT_FALSE(s[0]->isOpen());
  EXPECT_TRUE(s[1]->isOpen());
  EXPECT_TRUE(s[2]->isOpen());
  EXPECT_EQ(hub.size(), 3u);
  EXPECT_EQ(hub.closeSession("same"), 2u);
  EXPECT_TRUE(other->isOpen());
  EXPECT_EQ(hub.closeExpired(1), 0u);  // 0 = no expiry
}

}  // namespace
}  // namespace gatehouse::portal
