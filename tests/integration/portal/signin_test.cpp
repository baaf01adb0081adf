// One sign-in for everyone: staff with TOTP (once per code), the resident page, a lockout that
// tells no account from another and forgives old failures, password resets, wrong JSON types
// and the magic link's photo.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "harness.hpp"

namespace gatehouse::portal::testing {
namespace {

const std::string kSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";  // RFC 4648 base32

// An independent RFC 6238 code (HMAC-SHA1, 30 s, 6 digits) for the secret above.
std::string code(std::int64_t unixSeconds) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::vector<unsigned char> key;
  std::uint32_t buf = 0;
  int bits = 0;
  for (char ch : kSecret) {
    buf = (buf << 5) | static_cast<std::uint32_t>(alphabet.find(ch));
    if ((bits += 5) >= 8) key.push_back(static_cast<unsigned char>(buf >> (bits -= 8)));
  }
  std::uint64_t step = static_cast<std::uint64_t>(unixSeconds / 30);
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i, step >>= 8) msg[i] = static_cast<unsigned char>(step);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), msg, 8, mac, &len);
  int o = mac[len - 1] & 15;
  std::uint32_t bin = (std::uint32_t(mac[o] & 0x7F) << 24) | (std::uint32_t(mac[o + 1]) << 16) |
                      (std::uint32_t(mac[o + 2]) << 8) | mac[o + 3];
  auto s = std::to_string(bin % 1000000);
  return std::string(6 - s.size(), '0') + s;
}

class SignInTest : public PortalTest {
 protected:
  void SetUp() override {
    PortalTest::SetUp();
    guardEmail_ = demo_.guardEmails.at(0);
    guard_ = personId(guardEmail_);
    admin_->exec("UPDATE gh.person SET totp_secret = $1 WHERE id = $2", {kSecret, guard_});
  }
  httplib::Result login(const json& body) {
    return client().Post("/api/login", body.dump(), "application/json");
  }
  json staff(const std::string& totp, const std::string& password = "gatehouse-demo") {
    return {{"email", guardEmail_}, {"password", password}, {"totp", totp}};
  }
  std::string column(const std::string& col, std::int64_t person) {
    return db_.exec("SELECT coalesce(" + col +
                    "::text, 'null') FROM gh.person WHERE id = " + std::to_string(person));
  }
  std::string guardEmail_;
  std::int64_t guard_ = 0;
};

TEST_F(SignInTest, StaffSignInWithAValidTotpOnceAndGetTheirEstate) {
  const auto now = clock_.unixSeconds();
  for (const json& body : {staff(""), staff("000000") /* wrong, almost surely */,
                           staff(code(now), "wrong-password"), staff("12345a")}) {
    if (body["totp"] == code(now) && body["password"] == "gatehouse-demo") continue;
    auto r = login(body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << body.dump() << r->body;
    EXPECT_EQ(json::parse(r->body)["error"], "invalid_credentials");
  }
  admin_->exec("UPDATE gh.person SET failed_logins = 0, last_failed_at = NULL WHERE id = $1",
               {guard_});
  auto ok = login(staff(code(now)));
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  auto me = json::parse(ok->body);
  EXPECT_EQ(me["role"], "guard");
  EXPECT_EQ(me["id"], guard_);
  EXPECT_EQ(me["estate_id"], demo_.estateId);
  EXPECT_FALSE(me["estate"].get<std::string>().empty());
  EXPECT_FALSE(me["csrf"].get<std::string>().empty());
  EXPECT_NE(ok->get_header_value("Set-Cookie").find("HttpOnly"), std::string::npos);
  // The same code (or the one before it) is refused the second time.
  for (const auto& again : {code(now), code(now - 30)}) {
    auto r = login(staff(again));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << again;
    EXPECT_EQ(json::parse(r->body)["error"], "invalid_credentials");
  }
  // The staff session works; resident routes are not theirs.
  Browser b;
  auto setCookie = ok->get_header_value("Set-Cookie");
  b.cookie = setCookie.substr(0, setCookie.find(';'));
  b.csrf = me["csrf"];
  EXPECT_EQ(get(b, "/api/me")->status, 200);
  auto pending = get(b, "/api/visits/pending");
  EXPECT_EQ(pending->status, 403);
  EXPECT_EQ(json::parse(pending->body)["error"], "forbidden");
}

TEST_F(SignInTest, AStaffAccountOnTheResidentPageIsNobodyAndNothingIsRecorded) {
  admin_->exec("UPDATE gh.person SET failed_logins = 2, last_failed_at = now() WHERE id = $1",
               {guard_});
  const auto audits = db_.exec("SELECT count(*) FROM gh.audit_log");
  auto right = staff(code(clock_.unixSeconds()));
  right["client"] = "resident";
  auto wrong = staff("000000", "wrong-password");
  wrong["client"] = "resident";
  auto r1 = login(right);
  auto r2 = login(wrong);
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->status, 401);
  EXPECT_EQ(r2->status, 401);
  auto j1 = json::parse(r1->body), j2 = json::parse(r2->body);
  EXPECT_EQ(j1["error"], "invalid_credentials");
  EXPECT_EQ(j1.size(), j2.size());
  EXPECT_TRUE(r1->get_header_value("Set-Cookie").empty());
  // No counter reset, no TOTP step used, no audit entry.
  EXPECT_EQ(column("failed_logins", guard_), "2");
  EXPECT_EQ(column("totp_last_step", guard_), "null");
  EXPECT_EQ(db_.exec("SELECT count(*) FROM gh.audit_log"), audits);
  // Residents sign in there as before.
  auto resident = login(
      {{"email", "a-101@harbour.example"}, {"password", "gatehouse-demo"}, {"client", "resident"}});
  ASSERT_TRUE(resident);
  EXPECT_EQ(resident->status, 200) << resident->body;
}

TEST_F(SignInTest, TheLockoutLooksTheSameForRealAndUnknownAccounts) {
  auto fail = [&](const std::string& email) {
    return login({{"email", email}, {"password", "wrong"}});
  };
  for (const std::string email : {"a-102@harbour.example", "ghost@harbour.example"}) {
    for (int left = 4; left >= 1; --left) {
      auto r = fail(email);
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 401) << email;
      EXPECT_EQ(json::parse(r->body)["attempts_left"], left) << email;  // the page warns at 1
    }
    auto locked = fail(email);
    ASSERT_TRUE(locked);
    ASSERT_EQ(locked->status, 423) << email;
    auto until = json::parse(locked->body)["until_ms"].get<std::int64_t>();
    EXPECT_EQ(until % 1000, 0) << email << ": the same precision for every account";
    EXPECT_GT(until, clock_.unixSeconds() * 1000) << email;
  }
}

TEST_F(SignInTest, OldFailuresAndExpiredLocksNoLongerCount) {
  const auto victim = personId("a-102@harbour.example");
  auto fail = [&](const std::string& email) {
    auto r = login({{"email", email}, {"password", "wrong"}});
    EXPECT_TRUE(r);
    return r ? std::make_pair(r->status, json::parse(r->body)) : std::make_pair(0, json());
  };
  // One wrong attempt per lock window, forever: never locked.
  for (int i = 0; i < 6; ++i) {
    auto [status, body] = fail("a-102@harbour.example");
    ASSERT_EQ(status, 401) << i;
    EXPECT_EQ(body["attempts_left"], 4) << i;
    admin_->exec(
        "UPDATE gh.person SET last_failed_at = now() - interval '16 minutes' WHERE id = $1",
        {victim});
  }
  // An expired lock starts a fresh count instead of locking again on the first failure.
  admin_->exec(
      "UPDATE gh.person SET failed_logins = 5, last_failed_at = now() - interval '1 minute', "
      "locked_until = now() - interval '1 second' WHERE id = $1",
      {victim});
  auto [status, body] = fail("a-102@harbour.example");
  EXPECT_EQ(status, 401);
  EXPECT_EQ(body["attempts_left"], 4);
  // The same for an unknown address, on the server's clock.
  for (int i = 0; i < 5; ++i) fail("ghost@harbour.example");
  clock_.advance(std::chrono::minutes(portal_->config().lockMinutes) + std::chrono::seconds(1));
  auto [ghostStatus, ghostBody] = fail("ghost@harbour.example");
  EXPECT_EQ(ghostStatus, 401);
  EXPECT_EQ(ghostBody["attempts_left"], 4);
}

TEST_F(SignInTest, WrongJsonTypesAnswer400WithTheField) {
  auto r = login({{"email", 5}, {"password", "x"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body), json({{"error", "bad_field"}, {"field", "email"}}));
  auto b = signIn("a-101@harbour.example");
  auto visit = requestVisit("A-101", "Courier");
  auto d = post(b, "/api/visits/" + visit.toString() + "/decide", {{"approve", "yes"}});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, 400);
  EXPECT_EQ(json::parse(d->body), json({{"error", "bad_field"}, {"field", "approve"}}));
  auto token = portal_->magicLinkToken(visit, personId("a-101@harbour.example"));
  auto m = client().Post("/api/magic/decide", json{{"token", token}, {"approve", 1}}.dump(),
                         "application/json");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 400);
  EXPECT_EQ(json::parse(m->body)["field"], "approve");
  auto rep = post(b, "/api/visits/" + visit.toString() + "/report", {{"reason", {1, 2}}});
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->status, 400);
  EXPECT_EQ(json::parse(rep->body)["field"], "reason");
  auto ch = post(b, "/api/me/channels", {{"notify_email", "no"}});
  ASSERT_TRUE(ch);
  EXPECT_EQ(ch->status, 400);
  EXPECT_EQ(json::parse(ch->body)["field"], "notify_email");
  EXPECT_EQ(kiosk_->visitStatus(visit).status, backend::VisitStatus::Pending);
}

TEST_F(SignInTest, PasswordResetChecksTheTokenFirst) {
  // A bad token is refused before the password is looked at (or hashed).
  auto c = client();
  auto r = c.Post("/api/password/reset",
                  json{{"token", "not-a-token"}, {"password", "short"}}.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["error"], "invalid_link");
}

TEST_F(SignInTest, TheMagicPhotoTakesNoTokenInTheUrlAndEndsWithTheLink) {
  auto person = personId("a-101@harbour.example");
  auto visit = requestVisit("A-101", "Photo Visitor");
  auto photo = addPhoto(visit, backend::EvidenceKind::EntryPhoto, "photo-bytes");
  auto token = portal_->magicLinkToken(visit, person);
  auto c = client();
  auto path = "/api/magic/photo/" + photo.toString();
  auto inUrl = c.Get((path + "?t=" + token).c_str());
  ASSERT_TRUE(inUrl);
  EXPECT_EQ(inUrl->status, 404);
  auto ok = c.Get(path.c_str(), {{"X-Magic-Token", token}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "photo-bytes");
  auto decided = c.Post("/api/magic/decide", json{{"token", token}, {"approve", true}}.dump(),
                        "application/json");
  ASSERT_TRUE(decided);
  ASSERT_EQ(decided->status, 200);
  auto after = c.Get(path.c_str(), {{"X-Magic-Token", token}});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 404);
}

TEST_F(SignInTest, NoClientRoleReadsTotpSecretsOrChangesSignInState) {
  for (const char* role : {"gatehouse_kiosk", "gatehouse_worker"}) {
    backend::Connection c(db_.urlAs(role));
    for (const char* sql :
         {"SELECT totp_secret FROM gh.person", "SELECT totp_last_step FROM gh.person",
          "SELECT * FROM gh.auth_lookup('x@e.x')", "SELECT gh.auth_totp_accept(1, 1)",
          "SELECT * FROM gh.auth_attempt(1, true, 5, '1 minute')"})
      EXPECT_THROW(c.exec(sql), backend::Error) << role << ": " << sql;
  }
}

class ThrottledSignInTest : public PortalTest {
  void configure(PortalConfig& c) override { c.loginPerMinutePerAddress = 2; }
};

TEST_F(ThrottledSignInTest, ResetAndForgotAreThrottledWithRetryAfter) {
  auto c = client();
  for (const char* path : {"/api/password/reset", "/api/password/forgot"}) {
    int status = 0;
    std::string retryAfter;
    for (int i = 0; i < 3; ++i) {
      auto r = c.Post(
          path, json{{"token", "t"}, {"password", "long-enough-1"}, {"email", "x@e.x"}}.dump(),
          "application/json");
      ASSERT_TRUE(r);
      status = r->status;
      retryAfter = r->get_header_value("Retry-After");
    }
    EXPECT_EQ(status, 429) << path;
    EXPECT_FALSE(retryAfter.empty()) << path;
  }
}

}  // namespace
}  // namespace gatehouse::portal::testing
