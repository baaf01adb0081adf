// Web Push against a local push service (push_peer.js: node checks the VAPID JWT and decrypts
// with npm http_ece): content, Urgency/Topic, Let in from the action token, pruning on 404/410,
// retry on 5xx, and a slow push service that never holds up a decision.
#include <cstdio>
#include <filesystem>

#include "harness.hpp"
#include "push_peer.hpp"

namespace gatehouse::portal::testing {
namespace {

class PortalPushTest : public PortalTest {
 protected:
  void SetUp() override {
    keyDir_ = std::filesystem::temp_directory_path() /
              ("gh-vapid-" + std::to_string(::getpid()) + "-" + randomSuffix());
    std::filesystem::create_directories(keyDir_);
    auto pub = generateVapidKey((keyDir_ / "vapid.pem").string());
    ASSERT_TRUE(pub) << pub.error().message;
    publicKey_ = pub.value();
    PortalTest::SetUp();
  }
  void TearDown() override {
    PortalTest::TearDown();
    std::filesystem::remove_all(keyDir_);
  }
  void configure(PortalConfig& c) override {
    c.vapidKeyFile = (keyDir_ / "vapid.pem").string();
    c.vapidSubject = "mailto:ops@harbour.example";
    c.pushCaFile = peer_.ca();
    c.pushRetryMillis = 100;
  }
  static std::string randomSuffix() { return std::to_string(std::rand()); }

  // Subscribes a peer device for the signed-in person; returns the subscription id.
  std::int64_t subscribe(const Browser& b, const std::string& device) {
    auto sub = peer_.device(device);
    sub["label"] = "Phone " + device;
    auto r = post(b, "/api/push/subscriptions", sub);
    EXPECT_TRUE(r);
    if (!r) return 0;
    EXPECT_EQ(r->status, 201) << r->body;
    return json::parse(r->body).value("id", std::int64_t{0});
  }
  std::string subscriptions() { return db_.exec("SELECT count(*) FROM gh.push_subscription"); }

  PushPeer peer_;
  std::filesystem::path keyDir_;
  std::string publicKey_;
};

std::string topicOf(const Uuid& v) {
  std::string t;
  for (char c : v.toString())
    if (c != '-') t += c;
  return t;
}

TEST_F(PortalPushTest, VisitRequestRingsEncryptedAndSignedAndLetsInFromTheNotification) {
  auto b = signIn("a-101@harbour.example");
  ASSERT_TRUE(subscribe(b, "phone1"));
  auto visit = requestVisit("A-101", "Pushed Visitor", "Parcel");
  ASSERT_TRUE(waitUntil([&] { return !peer_.receivedBy("phone1").empty(); }))
      << peer_.state().dump();
  auto m = peer_.receivedBy("phone1").at(0);
  EXPECT_EQ(m["vapid_key"], publicKey_);
  EXPECT_EQ(m["urgency"], "high");
  EXPECT_EQ(m["topic"], topicOf(visit));
  auto p = m["payload"];
  EXPECT_EQ(p["type"], "visit_request");
  EXPECT_EQ(p["visit"], visit.toString());
  EXPECT_EQ(p["visitor"], "Pushed Visitor");
  EXPECT_EQ(p["purpose"], "Parcel");
  EXPECT_FALSE(p.value("gate", std::string()).empty());
  EXPECT_TRUE(peer_.state()["rejected"].empty()) << peer_.state().dump();

  // Let in, straight from the notification: no session, single use.
  auto token = p["token"].get<std::string>();
  auto r = client().Post("/api/push/decide", json{{"token", token}, {"approve", true}}.dump(),
                         "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  auto st = kiosk_->visitStatus(visit);
  EXPECT_EQ(st.status, backend::VisitStatus::Approved);
  EXPECT_EQ(st.decisionChannel.value_or(""), "push");
  r = client().Post("/api/push/decide", json{{"token", token}, {"approve", false}}.dump(),
                    "application/json");
  ASSERT_TRUE(r);
  EXPECT_NE(r->status, 200);
  EXPECT_EQ(kiosk_->visitStatus(visit).status, backend::VisitStatus::Approved);

  // The decision replaces the ringing notification (same Topic) on the device.
  ASSERT_TRUE(waitUntil([&] {
    for (auto& x : peer_.receivedBy("phone1"))
      if (x["payload"]["type"] == "visit_decided") return true;
    return false;
  })) << peer_.state().dump();
  for (auto& x : peer_.receivedBy("phone1"))
    if (x["payload"]["type"] == "visit_decided") {
      EXPECT_EQ(x["topic"], topicOf(visit));
      EXPECT_EQ(x["payload"]["status"], "approved");
    }
  EXPECT_EQ(db_.exec("SELECT failures || '/' || (last_success_at IS NOT NULL) FROM "
                     "gh.push_subscription"),
            "0/true");
}

TEST_F(PortalPushTest, ActionTokenIsBoundToItsDeviceAndCannotBeForged) {
  auto b = signIn("a-101@harbour.example");
  auto sub = subscribe(b, "phone2");
  auto visit = requestVisit("A-101", "Bound Visitor");
  ASSERT_TRUE(waitUntil([&] { return !peer_.receivedBy("phone2").empty(); }));
  auto token = peer_.receivedBy("phone2").at(0)["payload"]["token"].get<std::string>();
  // A tampered token is refused.
  auto bad = token;
  bad.back() = bad.back() == 'A' ? 'B' : 'A';
  auto r = client().Post("/api/push/decide", json{{"token", bad}, {"approve", true}}.dump(),
                         "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  // Once the device is removed, its token no longer decides.
  r = post(b, "/api/push/subscriptions/" + std::to_string(sub) + "/delete", json::object());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  r = client().Post("/api/push/decide", json{{"token", token}, {"approve", true}}.dump(),
                    "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404) << r->body;
  EXPECT_EQ(kiosk_->visitStatus(visit).status, backend::VisitStatus::Pending);
}

TEST_F(PortalPushTest, GoneAndMissingSubscriptionsArePruned) {
  auto b = signIn("a-102@harbour.example");
  auto gone = subscribe(b, "gone-1");
  auto missing = subscribe(b, "missing-1");
  subscribe(b, "kept-1");
  ASSERT_EQ(subscriptions(), "3");
  for (auto id : {gone, missing}) {
    auto r = post(b, "/api/push/subscriptions/" + std::to_string(id) + "/test", json::object());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 202) << r->body;
  }
  EXPECT_TRUE(waitUntil([&] { return subscriptions() == "1"; })) << subscriptions();
  auto list = json::parse(get(b, "/api/push")->body);
  ASSERT_EQ(list["subscriptions"].size(), 1u);
  EXPECT_EQ(list["subscriptions"][0]["label"], "Phone kept-1");
}

TEST_F(PortalPushTest, ServerErrorsAreRecordedAndRetriedWithBackoff) {
  auto b = signIn("a-103@harbour.example");
  subscribe(b, "flaky-1");
  requestVisit("A-103", "Retried Visitor");
  ASSERT_TRUE(waitUntil([&] { return !peer_.receivedBy("flaky-1").empty(); }))
      << peer_.state().dump();
  EXPECT_EQ(peer_.state()["attempts"]["flaky-1"], 3);  // 500, 500, then accepted
  EXPECT_EQ(peer_.receivedBy("flaky-1").at(0)["payload"]["visitor"], "Retried Visitor");
  EXPECT_TRUE(waitUntil([&] {
    return db_.exec("SELECT last_error FROM gh.push_subscription").find("HTTP 500") !=
               std::string::npos &&
           db_.exec("SELECT last_success_at IS NOT NULL FROM gh.push_subscription") == "t";
  })) << db_.exec("SELECT last_error FROM gh.push_subscription");
}

TEST_F(PortalPushTest, AHangingPushServiceDoesNotDelayTheDecision) {
  auto b = signIn("a-104@harbour.example");
  subscribe(b, "slow-1");
  auto visit = requestVisit("A-104", "Patient Visitor");
  ASSERT_TRUE(waitUntil([&] { return peer_.state()["held"] == 1; })) << peer_.state().dump();
  // The push service has not answered, and the resident's decision and the kiosk are unaffected.
  auto r = post(b, "/api/visits/" + visit.toString() + "/decide", json{{"approve", true}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(kiosk_->visitStatus(visit).status, backend::VisitStatus::Approved);
  EXPECT_GE(peer_.state()["held"].get<int>(),
            1);  // still unanswered (the decision's push may wait too)
  peer_.release();
}

TEST_F(PortalPushTest, SubscriptionApiRefusesBadInputAndOffersOnlyConfiguredChannels) {
  auto b = signIn("a-105@harbour.example");
  auto dev = peer_.device("phone5");
  auto bad = dev;
  bad["endpoint"] = "http://127.0.0.1:1/push/x";
  auto r = post(b, "/api/push/subscriptions", bad);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(json::parse(r->body)["error"], "endpoint");
  // Not a public address after DNS (the tests allow only their peer's 127.0.0.1).
  for (const char* endpoint :
       {"https://127.0.0.2:1/push/x", "https://10.0.0.7/push/x", "https://169.254.169.254/latest",
        "https://[::1]:1/push/x", "https://[fe80::1]/push/x", "https://[::ffff:10.0.0.7]/x"}) {
    bad = dev;
    bad["endpoint"] = endpoint;
    r = post(b, "/api/push/subscriptions", bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << endpoint << ": " << r->body;
    EXPECT_EQ(json::parse(r->body)["error"], "endpoint") << endpoint;
  }
  EXPECT_EQ(subscriptions(), "0");
  bad = dev;
  bad["keys"]["p256dh"] = "short";
  r = post(b, "/api/push/subscriptions", bad);
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["error"], "keys");
  bad = dev;
  bad["keys"]["auth"] = std::string(22, '!');
  r = post(b, "/api/push/subscriptions", bad);
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["error"], "keys");
  EXPECT_EQ(subscriptions(), "0");

  auto mine = subscribe(b, "phone5");
  auto list = json::parse(get(b, "/api/push")->body);
  EXPECT_EQ(list["enabled"], true);
  EXPECT_EQ(list["public_key"], publicKey_);
  ASSERT_EQ(list["subscriptions"].size(), 1u);
  // Another household cannot see, test or remove it.
  auto other = signIn("b-210@harbour.example");
  EXPECT_EQ(json::parse(get(other, "/api/push")->body)["subscriptions"].size(), 0u);
  r = post(other, "/api/push/subscriptions/" + std::to_string(mine) + "/delete", json::object());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  r = post(other, "/api/push/subscriptions/" + std::to_string(mine) + "/test", json::object());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(subscriptions(), "1");
  // SMTP is not configured here: e-mail is not offered, push is.
  auto me = json::parse(get(b, "/api/me")->body);
  EXPECT_EQ(me["channels_available"]["email"], false);
  EXPECT_EQ(me["channels_available"]["push"], true);
}

TEST_F(PortalPushTest, HandedToTheGuardNotifiesAtNormalUrgency) {
  auto b = signIn("a-106@harbour.example");
  subscribe(b, "phone6");
  auto visit = requestVisit("A-106", "Waiting Visitor");
  ASSERT_TRUE(waitUntil([&] { return !peer_.receivedBy("phone6").empty(); }));
  admin_->exec("SELECT gh.escalate($1)", {visit});
  json got;
  ASSERT_TRUE(waitUntil([&] {
    for (auto& x : peer_.receivedBy("phone6"))
      if (x["payload"]["type"] == "visit_escalated") got = x;
    return !got.is_null();
  })) << peer_.state().dump();
  EXPECT_EQ(got["urgency"], "normal");
  EXPECT_EQ(got["topic"], topicOf(visit));
}

}  // namespace
}  // namespace gatehouse::portal::testing
