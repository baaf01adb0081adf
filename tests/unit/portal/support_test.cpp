// Unit tests for the portal's self-contained helpers.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "gatehouse/core/password.hpp"
#include "gatehouse/portal/client_address.hpp"
#include "gatehouse/portal/config.hpp"
#include "internal.hpp"
#include "mail_sink.hpp"
#include "qr_decode.hpp"
#include "unknown_accounts.hpp"

namespace gatehouse::portal {
namespace {

MagicClaim claim() {
  return MagicClaim{*Uuid::parse("0b7e2c1a-3f4d-4e5a-9b6c-7d8e9f0a1b2c"), 42, 2000, "nonce1"};
}

TEST(PortalMagicToken, RoundTripsWithTheSameKey) {
  auto t = makeMagicToken("k1", claim());
  auto r = readMagicToken("k1", t, 1999);
  ASSERT_TRUE(r.ok()) << r.error().code;
  EXPECT_EQ(r->visitId, claim().visitId);
  EXPECT_EQ(r->personId, 42);
  EXPECT_EQ(r->nonce, "nonce1");
}

TEST(PortalMagicToken, RejectsOtherKeysTamperingAndExpiry) {
  auto t = makeMagicToken("k1", claim());
  EXPECT_EQ(readMagicToken("k2", t, 1999).error().code, "bad_signature");
  EXPECT_EQ(readMagicToken("k1", t, 2000).error().code, "expired");
  auto other = claim();
  other.personId = 43;
  auto forged = makeMagicToken("attacker", other);
  auto spliced = forged.substr(0, forged.find('.')) + t.substr(t.find('.'));
  EXPECT_EQ(readMagicToken("k1", spliced, 1999).error().code, "bad_signature");
  EXPECT_EQ(readMagicToken("k1", "garbage", 1).error().code, "malformed");
  EXPECT_EQ(readMagicToken("k1", std::string(1000, 'a'), 1).error().code, "malformed");
}

TEST(PortalHmac, MatchesRfc4231TestCase2) {
  EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(webhookSignature("Jefe", 1, "x"), "sha256=" + hmacSha256Hex("Jefe", "1.x"));
}

TEST(PortalQrSvg, DecodesBackToTheText) {
  const std::string text = "GH1:AQAAAAAAAAABAQ-test_payload";
  auto svg = qrSvg(text, "Pass for <Anna> & \"Bob\"");
  EXPECT_NE(svg.find("<title>Pass for &lt;Anna&gt; &amp; &quot;Bob&quot;</title>"),
            std::string::npos);
  auto back = testing::decodeQrSvg(svg);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, text);
}

TEST(PortalCsv, QuotesAndDefusesFormulas) {
  EXPECT_EQ(csvField("plain"), "\"plain\"");
  EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csvField("=1+1"), "\"'=1+1\"");
  EXPECT_EQ(csvField("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(csvField("-2"), "\"'-2\"");
}

TEST(PortalSseFrame, SplitsLinesSoDataCannotInjectEvents) {
  EXPECT_EQ(sseFrame("visit", "{}"), "event: visit\ndata: {}\n\n");
  EXPECT_EQ(sseFrame("visit", "a\nevent: evil\r\nb"),
            "event: visit\ndata: a\ndata: event: evil\ndata: b\n\n");
}

TEST(PortalLoginThrottle, AllowsNPerMinutePerKey) {
  LoginThrottle t(2);
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(t.attempt("a", now), 0);
  EXPECT_EQ(t.attempt("a", now), 0);
  EXPECT_GT(t.attempt("a", now), 0);
  EXPECT_EQ(t.attempt("b", now), 0);
  EXPECT_EQ(t.attempt("a", now + std::chrono::seconds(61)), 0);
}

TEST(PortalLoginThrottle, ForgetsTheLeastRecentlyUsedKeyWhenFull) {
  LoginThrottle t(1, 3);
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(t.attempt("a", now), 0);
  EXPECT_EQ(t.attempt("b", now), 0);
  EXPECT_EQ(t.attempt("c", now), 0);
  EXPECT_GT(t.attempt("a", now), 0);  // a is used again: b is now the least recent
  EXPECT_EQ(t.attempt("d", now), 0);  // full: b goes
  EXPECT_EQ(t.size(), 3u);
  EXPECT_GT(t.attempt("a", now), 0);  // still counted
  EXPECT_GT(t.attempt("c", now), 0);
  EXPECT_EQ(t.attempt("b", now), 0);  // forgotten, so allowed again (and d, the oldest, goes)
  EXPECT_EQ(t.attempt("d", now), 0);
}

TEST(PortalLoginThrottle, AFloodOfNewAddressesDoesNotWipeOneThatKeepsTrying) {
  LoginThrottle t(1);  // the default capacity, 100,000 keys
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(t.attempt("attacker", now), 0);
  for (int i = 0; i < 150000; ++i) {
    t.attempt("flood-" + std::to_string(i), now);
    if (i % 50000 == 0) {
      EXPECT_GT(t.attempt("attacker", now), 0) << i;
    }
  }
  EXPECT_GT(t.attempt("attacker", now), 0);
  EXPECT_EQ(t.size(), 100000u);
}

TEST(PortalUnknownAccounts, ForgetsTheOldestNameNotARecentOneAfterAFlood) {
  UnknownAccounts u;  // the default capacity, 100,000 names
  const backend::LockoutPolicy policy{5, std::chrono::minutes(15)};
  const Clock::time_point now{std::chrono::hours(500000)};
  EXPECT_EQ(u.recordFailure("oldest", now, policy).attemptsLeft, 4);
  for (int i = 0; i < 100000; ++i) u.recordFailure("spray-" + std::to_string(i), now, policy);
  EXPECT_EQ(u.size(), 100000u);
  // 100,001 distinct names: the oldest went, so it starts again from a clean count...
  EXPECT_EQ(u.recordFailure("oldest", now, policy).attemptsLeft, 4);
  // ...while a recent one kept its count (its first failure was counted, this is the second).
  EXPECT_EQ(u.recordFailure("spray-99999", now, policy).attemptsLeft, 3);
}

TEST(PortalUnknownAccounts, AVictimBeingAttackedStaysLockedThroughASpray) {
  UnknownAccounts u(1000);
  const backend::LockoutPolicy policy{3, std::chrono::minutes(15)};
  const Clock::time_point now{std::chrono::hours(500000)};
  for (int i = 0; i < 3; ++i) u.recordFailure("victim", now, policy);
  ASSERT_TRUE(u.lockedUntil("victim", now));
  for (int i = 0; i < 5000; ++i) {
    u.recordFailure("spray-" + std::to_string(i), now, policy);
    if (i % 500 == 0) u.recordFailure("victim", now, policy);  // the attacker keeps trying
  }
  EXPECT_TRUE(u.lockedUntil("victim", now));
  EXPECT_FALSE(u.lockedUntil("victim", now + std::chrono::minutes(16)));
  EXPECT_EQ(u.size(), 1000u);
}

TEST(PortalConfigFile, ReadsTomlAndEnvironmentWins) {
  auto path =
      std::filesystem::temp_directory_path() / ("portal-" + Uuid::random().toString() + ".toml");
  {
    std::ofstream f(path);
    f << "[http]\nport = 9443\naddress = \"0.0.0.0\"\n[security]\nlock_minutes = "
         "7\n[database]\nurl = \"from-file\"\n";
  }
  setenv("GATEHOUSE_DATABASE_URL", "from-env", 1);
  auto c = loadConfig(path.string(), true);
  ASSERT_TRUE(c.ok());
  auto cfg = c.value();
  applyEnvironment(cfg);
  unsetenv("GATEHOUSE_DATABASE_URL");
  EXPECT_EQ(cfg.port, 9443);
  EXPECT_EQ(cfg.address, "0.0.0.0");
  EXPECT_EQ(cfg.lockMinutes, 7);
  EXPECT_EQ(cfg.databaseUrl, "from-env");
  std::filesystem::remove(path);
  EXPECT_FALSE(loadConfig(path.string(), true).ok());
  EXPECT_TRUE(loadConfig(path.string(), false).ok());
  // The shipped example parses.
  EXPECT_TRUE(
      loadConfig(std::string(std::getenv("GATEHOUSE_SOURCE_DIR")) + "/config/portal.toml", true)
          .ok());
}

}  // namespace
}  // namespace gatehouse::portal

namespace gatehouse::portal {
namespace {

class FakeStream final : public SseStream {
 public:
  using SseStream::send;
  bool send(std::shared_ptr<const std::string> chunk) override {
    if (!open_) return false;
    got.push_back(*chunk);
    return true;
  }
  bool isOpen() const override { return open_; }
  void close() override { open_ = false; }
  std::vector<std::string> got;

 private:
  bool open_ = true;
};

TEST(PortalHub, SendsOnlyToTheUnitInItsEstateAndClosesBySessionPersonAndExpiry) {
  Hub hub;
  auto a = std::make_shared<FakeStream>(), b = std::make_shared<FakeStream>(),
       c = std::make_shared<FakeStream>();
  hub.add({a, 1, 10, 100, "sa", 5000});
  hub.add({b, 2, 10, 200, "sb", 0});
  hub.add({c, 3, 11, 100, "sc", 0});  // same unit id, other estate: never happens, still filtered
  EXPECT_EQ(hub.publishUnit(10, 100, "x"), 1u);
  EXPECT_EQ(a->got.size(), 1u);
  EXPECT_TRUE(b->got.empty());
  EXPECT_TRUE(c->got.empty());
  EXPECT_EQ(hub.personForUnit(10, 100), std::optional<std::int64_t>(1));
  EXPECT_FALSE(hub.personForUnit(10, 300).has_value());
  EXPECT_EQ(hub.closeExpired(4999), 0u);
  EXPECT_EQ(hub.closeExpired(5000), 1u);
  EXPECT_FALSE(a->isOpen());
  EXPECT_EQ(hub.closeSession("sb"), 1u);
  EXPECT_FALSE(b->isOpen());
  EXPECT_EQ(hub.closePerson(3), 1u);
  EXPECT_EQ(hub.publishAll("y"), 0u);
  EXPECT_EQ(hub.size(), 0u);
}

}  // namespace
}  // namespace gatehouse::portal

// X-Forwarded-For is believed only from trusted proxies, read right to left.
TEST(ClientAddress, TrustsForwardedForOnlyFromConfiguredProxies) {
  using gatehouse::portal::clientAddress;
  const std::vector<std::string> proxies = {"127.0.0.1", "10.0.0.2"};
  EXPECT_EQ(clientAddress("127.0.0.1", "203.0.113.7", proxies), "203.0.113.7");
  // A client-supplied entry on the left cannot win over what our proxy appended.
  EXPECT_EQ(clientAddress("127.0.0.1", "1.2.3.4, 203.0.113.7", proxies), "203.0.113.7");
  EXPECT_EQ(clientAddress("127.0.0.1", "203.0.113.7, 10.0.0.2", proxies), "203.0.113.7");
  EXPECT_EQ(clientAddress("198.51.100.9", "203.0.113.7", proxies), "198.51.100.9");  // untrusted
  EXPECT_EQ(clientAddress("127.0.0.1", "", proxies), "127.0.0.1");
  EXPECT_EQ(clientAddress("127.0.0.1", "evil<script>", proxies), "127.0.0.1");  // malformed
  EXPECT_EQ(clientAddress("127.0.0.1", "10.0.0.2", proxies), "127.0.0.1");      // only proxies
  EXPECT_EQ(clientAddress("::1", "2001:db8::5", {"::1"}), "2001:db8::5");
  EXPECT_EQ(clientAddress("127.0.0.1", "203.0.113.7", {}), "127.0.0.1");  // none configured
}

TEST(ClientAddress, ConfigReadsTrustedProxiesAndRefusesNonAddresses) {
  const auto path = std::filesystem::temp_directory_path() / "gh-portal-proxies.toml";
  std::ofstream(path) << "[http]\ntrusted_proxies = [\"127.0.0.1\", \"::1\"]\n";
  auto ok = gatehouse::portal::loadConfig(path.string(), true);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value().trustedProxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  std::ofstream(path) << "[http]\ntrusted_proxies = [1]\n";
  auto bad = gatehouse::portal::loadConfig(path.string(), true);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "config_invalid");
  EXPECT_NE(bad.error().message.find("trusted_proxies"), std::string::npos);
  std::filesystem::remove(path);
  // The packaged example parses too.
  EXPECT_TRUE(
      gatehouse::portal::loadConfig(
          std::string(std::getenv("GATEHOUSE_SOURCE_DIR")) + "/packaging/config/portal.toml", true)
          .ok());
}

// The demo's file sink: sendEmail writes an .eml, the page lists it escaped with live links.
TEST(MailSink, FileUrlWritesEmlAndThePageEscapesAndLinks) {
  namespace fs = std::filesystem;
  const auto dir = fs::temp_directory_path() / ("gh-mail-" + gatehouse::randomToken(6));
  gatehouse::portal::PortalConfig cfg;
  cfg.smtpUrl = "file://" + dir.string();
  EXPECT_EQ(gatehouse::portal::mailSinkDir(cfg.smtpUrl), dir.string());
  EXPECT_EQ(gatehouse::portal::mailSinkDir("smtp://127.0.0.1:25"), "");
  gatehouse::portal::OutboundEmail mail;
  mail.to = "a-101@harbour.example";
  mail.subject = "Visitor <script>";
  mail.body = "Let them in: http://localhost:8080/m?t=abc&x=1\n<b>not bold</b>";
  EXPECT_EQ(gatehouse::portal::sendEmail(cfg, mail), "");
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.path().extension() == ".eml";
  EXPECT_EQ(files, 1);
  const auto page = gatehouse::portal::mailSinkPage(dir.string());
  EXPECT_EQ(page.contentType, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("a-101@harbour.example"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;b&gt;not bold&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(page.body.find("<b>not bold"), std::string::npos);
  EXPECT_NE(page.body.find("<a href=\"http://localhost:8080/m?t=abc&amp;x=1\">"), std::string::npos)
      << page.body;
  fs::remove_all(dir);
}
