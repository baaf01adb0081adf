// API side of the resident page fixes: one's own decision is not news on the Alerts badge (a
// household member's is), and a visitor handed to the guard says so on the live card.
#include "harness.hpp"

namespace gatehouse::portal::testing {
namespace {

TEST_F(PortalTest, OwnDecisionDoesNotCountOnTheAlertsBadgeButAHouseholdMembersDoes) {
  auto me = signIn("a-101@harbour.example");
  auto other = signIn("a-101.2@harbour.example");
  auto count = [&](const Browser& b) {
    return json::parse(get(b, "/api/notifications")->body)["unread"].get<std::int64_t>();
  };
  ASSERT_EQ(post(me, "/api/notifications/read", {{"all", true}})->status, 200);
  ASSERT_EQ(post(other, "/api/notifications/read", {{"all", true}})->status, 200);
  auto visit = requestVisit("A-101", "Badge Visitor");
  ASSERT_EQ(post(me, "/api/notifications/read", {{"all", true}})->status, 200);
  ASSERT_EQ(post(other, "/api/notifications/read", {{"all", true}})->status, 200);
  auto r = post(me, "/api/visits/" + visit.toString() + "/decide", {{"approve", true}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(count(me), 0);     // I decided: nothing new for me
  EXPECT_EQ(count(other), 1);  // my household learns who let them in
}

TEST_F(PortalTest, AVisitorHandedToTheGuardIsMarkedOnTheLiveCard) {
  auto b = signIn("a-102@harbour.example");
  auto visit = requestVisit("A-102", "Escalated Visitor");
  auto pending = json::parse(get(b, "/api/visits/pending")->body)["visits"];
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]["escalated"], false);
  admin_->exec("SELECT gh.escalate($1)", {visit});
  pending = json::parse(get(b, "/api/visits/pending")->body)["visits"];
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]["escalated"], true);
  // The household is told by a notification too.
  auto notes = json::parse(get(b, "/api/notifications")->body)["notifications"];
  bool told = false;
  for (auto& n : notes) told = told || n["kind"] == "visit_escalated";
  EXPECT_TRUE(told) << notes.dump();
}

}  // namespace
}  // namespace gatehouse::portal::testing
