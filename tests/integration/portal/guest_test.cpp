// Guest pass links through the API: signed, no sign-in, the same pass the kiosk verifies, only
// what a guest needs, expiring with the pass, refused when revoked or tampered; SMS by gateway.
#include <regex>

#include "harness.hpp"
#include "qr_decode.hpp"

namespace gatehouse::portal::testing {
namespace {

class PortalGuestTest : public PortalTest {
 protected:
  void configure(PortalConfig& c) override {
    sms_.Post("/sms", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      smsBodies_.push_back(req.body);
      smsSignatures_.push_back(req.get_header_value("X-Gatehouse-Signature"));
      res.status = 200;
    });
    int port = sms_.bind_to_any_port("127.0.0.1");
    smsThread_ = std::thread([this] { sms_.listen_after_bind(); });
    c.smsWebhookUrl = "http://127.0.0.1:" + std::to_string(port) + "/sms";
  }
  void TearDown() override {
    PortalTest::TearDown();
    sms_.stop();
    if (smsThread_.joinable()) smsThread_.join();
  }
  json createPass(const Browser& b, const std::string& guest, const std::string& phone = "") {
    auto today = db_.exec("SELECT to_char(now() AT TIME ZONE 'Europe/London', 'YYYY-MM-DD')");
    auto until = db_.exec(
        "SELECT to_char((now() + interval '10 days') AT TIME ZONE 'Europe/London', "
        "'YYYY-MM-DD')");
    json body{{"kind", "recurring"}, {"guest_name", guest}, {"date_from", today},
              {"date_until", until}, {"weekdays", 127},     {"start", "00:00"},
              {"end", "24:00"}};
    if (!phone.empty()) body["guest_phone"] = phone;
    auto r = post(b, "/api/invitations", body);
    EXPECT_TRUE(r && r->status == 201) << (r ? r->body : "");
    return json::parse(r->body)["invitation"];
  }
  std::string tokenOf(const Browser& b, const std::string& id) {
    auto r = get(b, "/api/invitations/" + id + "/guest-link");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "");
    auto url = json::parse(r->body)["url"].get<std::string>();
    EXPECT_NE(url.find("/g#"), std::string::npos);
    return url.substr(url.find('#') + 1);
  }
  httplib::Result open(const std::string& token) {
    return client().Post("/api/guest", json{{"token", token}}.dump(), "application/json");
  }

  httplib::Server sms_;
  std::thread smsThread_;
  std::mutex mu_;
  std::vector<std::string> smsBodies_, smsSignatures_;
};

TEST_F(PortalGuestTest, LinkShowsTheSamePassAndOnlyWhatTheGuestNeeds) {
  db_.exec("UPDATE gh.estate SET guest_address = '1 Harbour Road', guest_directions = 'Gate 2'");
  auto b = signIn("a-101@harbour.example");
  auto inv = createPass(b, "Gina Guest", "+44 7700 900123");
  auto token = tokenOf(b, inv["id"]);
  auto r = open(token);  // no cookie
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto g = json::parse(r->body);
  EXPECT_EQ(g["state"], "active");
  EXPECT_EQ(g["guest_name"], "Gina Guest");
  EXPECT_EQ(g["address"], "1 Harbour Road");
  EXPECT_EQ(g["directions"], "Gate 2");
  EXPECT_FALSE(g["estate"].get<std::string>().empty());
  // Nothing about the host, the unit or the guest's phone.
  for (const char* secret : {"A-101", "a-101@", "7700", "unit", "host"})
    EXPECT_EQ(r->body.find(secret), std::string::npos) << secret;
  // The QR is the pass the resident's card shows (one signing path, one format).
  auto fromGuest = decodeQrSvg(g["qr_svg"].get<std::string>());
  auto card = get(b, "/api/invitations/" + inv["id"].get<std::string>() + "/qr.svg");
  ASSERT_TRUE(card);
  auto fromCard = decodeQrSvg(card->body);
  ASSERT_TRUE(fromGuest.has_value());
  EXPECT_EQ(fromGuest, fromCard);
  auto kiosk = kiosk_->useInvitation({Uuid::random(), *Uuid::parse(inv["id"].get<std::string>()),
                                      "", std::chrono::system_clock::now()});
  EXPECT_EQ(kiosk.status, backend::VisitStatus::Approved);
}

TEST_F(PortalGuestTest, RevokedTamperedForeignAndExpiredLinksShowNoPass) {
  auto b = signIn("a-101@harbour.example");
  auto inv = createPass(b, "Revoked Guest");
  auto token = tokenOf(b, inv["id"]);
  // Tampered.
  auto bad = token;
  bad[bad.size() / 2] = bad[bad.size() / 2] == 'A' ? 'B' : 'A';
  auto r = open(bad);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  r = open("");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  // Another household cannot make a link for this pass.
  auto other = signIn("b-210@harbour.example");
  r = get(other, "/api/invitations/" + inv["id"].get<std::string>() + "/guest-link");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  // Revoked: no longer valid, no QR.
  ASSERT_EQ(post(b, "/api/invitations/" + inv["id"].get<std::string>() + "/revoke", json::object())
                ->status,
            200);
  r = open(token);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 410);
  EXPECT_EQ(json::parse(r->body)["state"], "revoked");
  EXPECT_EQ(r->body.find("qr_svg"), std::string::npos);
  // Expired with the pass: the link's own expiry is the pass's end.
  auto later = createPass(b, "Later Guest");
  auto t2 = tokenOf(b, later["id"]);
  ASSERT_EQ(open(t2)->status, 200);
  clock_.advance(std::chrono::hours(24 * 12));
  r = open(t2);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 410);
  EXPECT_EQ(json::parse(r->body)["error"], "expired");
}

TEST_F(PortalGuestTest, SmsGoesThroughTheEstateGatewaySigned) {
  auto b = signIn("a-101@harbour.example");
  EXPECT_EQ(b.me["channels_available"]["sms"], true);
  auto noPhone = createPass(b, "No Phone");
  auto r = post(b, "/api/invitations/" + noPhone["id"].get<std::string>() + "/sms", json::object());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(json::parse(r->body)["error"], "no_phone");
  auto inv = createPass(b, "Sam Sms", "+44 7700 900456");
  r = post(b, "/api/invitations/" + inv["id"].get<std::string>() + "/sms", json::object());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202) << r->body;
  ASSERT_TRUE(waitUntil([&] {
    std::lock_guard lock(mu_);
    return !smsBodies_.empty();
  }));
  std::lock_guard lock(mu_);
  auto sms = json::parse(smsBodies_[0]);
  EXPECT_EQ(sms["kind"], "guest_pass_sms");
  EXPECT_EQ(sms["to"], "+44 7700 900456");
  std::smatch m;
  auto text = sms["text"].get<std::string>();
  ASSERT_TRUE(std::regex_search(text, m, std::regex(R"(/g#([A-Za-z0-9_\-\.]+))"))) << text;
  EXPECT_EQ(open(m[1].str())->status, 200);
  EXPECT_EQ(smsSignatures_[0].rfind("sha256=", 0), 0u);
}

class PortalNoSmsTest : public PortalTest {};

TEST_F(PortalNoSmsTest, WithoutAGatewaySmsIsNotOffered) {
  auto b = signIn("a-101@harbour.example");
  EXPECT_EQ(b.me["channels_available"]["sms"], false);
  auto r = post(b, "/api/invitations/" + Uuid::random().toString() + "/sms", json::object());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(json::parse(r->body)["error"], "sms_off");
}

}  // namespace
}  // namespace gatehouse::portal::testing
