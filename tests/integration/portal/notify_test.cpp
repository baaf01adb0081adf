// Notifications: email through an SMTP sink (with a working magic link), signed webhooks,
// retries that never block a decision, and password reset by emailed single-use link.
#include <openssl/hmac.h>

#include <regex>

#include "harness.hpp"

namespace gatehouse::portal::testing {
namespace {

std::string hmacHex(const std::string& key, const std::string& msg) {
  unsigned char out[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &len);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < len; ++i) {
    s += hex[out[i] >> 4];
    s += hex[out[i] & 15];
  }
  return s;
}

class PortalNotifyTest : public PortalTest {
 protected:
  void configure(PortalConfig& c) override { c.smtpUrl = smtp_.url(); }
  std::optional<std::string> mailMatching(const std::string& needle) {
    for (auto& m : smtp_.messages())
      if (m.find(needle) != std::string::npos) return m;
    return std::nullopt;
  }
  SmtpSink smtp_;
};

TEST_F(PortalNotifyTest, RequestEmailCarriesAMagicLinkThatDecides) {
  auto visit = requestVisit("A-102", "Emailed Visitor", "Flowers");
  std::optional<std::string> mail;
  ASSERT_TRUE(waitUntil([&] { return (mail = mailMatching("/m#")).has_value(); }))
      << smtp_.messages().size();
  EXPECT_NE(mail->find("Emailed Visitor"), std::string::npos);
  EXPECT_NE(smtp_.recipients().at(0).find("a-102@harbour.example"), std::string::npos);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(*mail, m, std::regex(R"(/m#([A-Za-z0-9_\-\.]+))")));
  auto r = client().Post("/api/magic/decide", json{{"token", m[1].str()}, {"approve", true}}.dump(),
                         "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  auto st = kiosk_->visitStatus(visit);
  EXPECT_EQ(st.status, backend::VisitStatus::Approved);
  EXPECT_EQ(st.decisionChannel.value_or(""), "magic_link");
  EXPECT_TRUE(waitUntil([&] {
    return db_.exec(
               "SELECT count(*) FROM gh.portal_delivery d JOIN gh.notification n ON n.id = "
               "d.notification_id "
               "WHERE n.kind = 'visit_request' AND d.status = 'sent' AND d.channel = 'email'") ==
           "1";
  }));
  // The decision is a notification too, and goes out by email.
  EXPECT_TRUE(waitUntil([&] { return mailMatching("was approved").has_value(); }));
}

TEST_F(PortalNotifyTest, WebhookIsHmacSignedAndRetriedWithoutBlockingTheDecision) {
  httplib::Server hook;
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> got;  // body, signature
  std::vector<std::string> timestamps;
  std::atomic<int> calls{0};
  hook.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard lock(mu);
      got.emplace_back(req.body, req.get_header_value("X-Gatehouse-Signature"));
      timestamps.push_back(req.get_header_value("X-Gatehouse-Timestamp"));
    }
    res.status = calls.fetch_add(1) == 0 ? 500 : 200;  // the first attempt fails
  });
  int port = hook.bind_to_any_port("127.0.0.1");
  std::thread server([&] { hook.listen_after_bind(); });
  auto b = signIn("a-103@harbour.example");
  auto set = post(b, "/api/me/channels",
                  {{"notify_email", false},
                   {"webhook_url", "http://127.0.0.1:" + std::to_string(port) + "/hook"}});
  ASSERT_TRUE(set);
  ASSERT_EQ(set->status, 200) << set->body;

  auto visit = requestVisit("A-103", "Hooked Visitor");
  auto d = post(b, "/api/visits/" + visit.toString() + "/decide", {{"approve", true}});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, 200);  // the webhook failing does not hold the decision up
  ASSERT_TRUE(
      waitUntil([&] { return calls.load() >= 3; }, std::chrono::seconds(20)));  // retry + decision
  hook.stop();
  server.join();
  std::lock_guard lock(mu);
  bool sawRequest = false;
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].second,
              "sha256=" + hmacHex("webhook-secret", timestamps[i] + "." + got[i].first));
    auto j = json::parse(got[i].first);
    if (j["kind"] == "visit_request") {
      sawRequest = true;
      EXPECT_EQ(j["payload"]["visitor"], "Hooked Visitor");
      EXPECT_NE(j["magic_link"].get<std::string>().find("/m#"), std::string::npos);
    }
  }
  EXPECT_TRUE(sawRequest);
  EXPECT_EQ(
      db_.exec(
          "SELECT attempts || ':' || status FROM gh.portal_delivery d JOIN gh.notification n ON "
          "n.id = d.notification_id WHERE n.kind = 'visit_request' AND d.channel = 'webhook'"),
      "2:sent");
  EXPECT_TRUE(smtp_.messages().empty());  // email was switched off
}

class PortalDeadSmtpTest : public PortalTest {
  void configure(PortalConfig& c) override {
    c.smtpUrl = "smtp://127.0.0.1:9";  // nothing listens on the discard port here
    c.deliveryMaxAttempts = 2;
  }
};
TEST_F(PortalDeadSmtpTest, AFailedChannelIsRecordedAndGivenUpAfterItsAttempts) {
  auto b = signIn("a-104@harbour.example");
  auto visit = requestVisit("A-104", "Unmailed Visitor");
  auto d = post(b, "/api/visits/" + visit.toString() + "/decide", {{"approve", false}});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, 200);
  EXPECT_EQ(kiosk_->visitStatus(visit).status, backend::VisitStatus::Denied);
  ASSERT_TRUE(waitUntil(
      [&] {
        return db_.exec(
                   "SELECT status || ':' || attempts FROM gh.portal_delivery d JOIN "
                   "gh.notification n ON "
                   "n.id = d.notification_id WHERE n.kind = 'visit_request'") == "failed:2";
      },
      std::chrono::seconds(20)));
  EXPECT_NE(db_.exec("SELECT last_error FROM gh.portal_delivery LIMIT 1").find("smtp"),
            std::string::npos);
}

TEST_F(PortalNotifyTest, PasswordResetLinkIsEmailedAndWorksOnce) {
  auto c = client();
  ASSERT_EQ(
      c.Post("/api/password/forgot", R"({"email":"nobody@harbour.example"})", "application/json")
          ->status,
      202);
  ASSERT_EQ(
      c.Post("/api/password/forgot", R"({"email":"A-106@harbour.example"})", "application/json")
          ->status,
      202);
  std::optional<std::string> mail;
  ASSERT_TRUE(waitUntil([&] { return (mail = mailMatching("/reset#")).has_value(); }));
  EXPECT_EQ(smtp_.messages().size(), 1u);  // nothing for the unknown address
  std::smatch m;
  ASSERT_TRUE(std::regex_search(*mail, m, std::regex(R"(/reset#([A-Za-z0-9_\-]+))")));
  auto token = m[1].str();
  auto shortPw = c.Post("/api/password/reset", json{{"token", token}, {"password", "short"}}.dump(),
                        "application/json");
  EXPECT_EQ(shortPw->status, 422);
  auto ok = c.Post("/api/password/reset",
                   json{{"token", token}, {"password", "a new long password"}}.dump(),
                   "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  auto again = c.Post("/api/password/reset",
                      json{{"token", token}, {"password", "another long password"}}.dump(),
                      "application/json");
  EXPECT_EQ(again->status, 400);
  signIn("a-106@harbour.example", "a new long password");
  auto old =
      c.Post("/api/login", R"({"email":"a-106@harbour.example","password":"gatehouse-demo"})",
             "application/json");
  EXPECT_EQ(old->status, 401);
}

}  // namespace
}  // namespace gatehouse::portal::testing
