// The server's hardening pieces without a database: webhook address rules, one-line quoting,
// the live-stream cap per session, dotfiles in the web root.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "internal.hpp"
#include "webhook_target.hpp"

namespace gatehouse::portal {
namespace {

TEST(PortalWebhookTarget, RefusesLoopbackPrivateLinkLocalAndMappedAddresses) {
  for (const char* ip : {"127.0.0.1",
                         "127.8.9.10",
                         "10.1.2.3",
                         "172.16.0.1",
                         "172.31.255.255",
                         "192.168.1.1",
                         "169.254.169.254",
                         "100.64.0.1",
                         "0.0.0.0",
                         "224.0.0.1",
                         "255.255.255.255",
                         "::1",
                         "::",
                         "fe80::1",
                         "fc00::1",
                         "fd12:3456::1",
                         "ff02::1",
                         "::ffff:127.0.0.1",
                         "::ffff:10.0.0.1",
                         "::ffff:169.254.169.254",
                         "::127.0.0.1",
                         "64:ff9b::a00:1",
                         "2001:db8::1",
                         "fec0::1"})
    EXPECT_NE(nonPublicReason(ip), "") << ip;
  EXPECT_EQ(nonPublicReason("127.0.0.1"), "loopback");
  EXPECT_EQ(nonPublicReason("::ffff:127.0.0.1"), "loopback (IPv4-mapped)");
  EXPECT_EQ(nonPublicReason("fe80::1"), "link-local");
  EXPECT_EQ(nonPublicReason("not-an-ip"), "not an address");
}

TEST(PortalWebhookTarget, AllowsPublicAddresses) {
  for (const char* ip :
       {"93.184.216.34", "8.8.8.8", "172.32.0.1", "192.169.0.1", "1.1.1.1", "2606:4700:4700::1111",
        "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::808:808"})
    EXPECT_EQ(nonPublicReason(ip), "") << ip;
}

TEST(PortalWebhookTarget, ResolvesNamesAndChecksEveryAddress) {
  auto r = resolveWebhookTarget("http://localhost:8099/hook", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "not_public");
  EXPECT_NE(r.error().message.find("loopback"), std::string::npos) << r.error().message;
  EXPECT_EQ(resolveWebhookTarget("https://[::1]/x", {}).error().code, "not_public");
  EXPECT_EQ(resolveWebhookTarget("https://[::ffff:7f00:1]/x", {}).error().code, "not_public");
  EXPECT_EQ(resolveWebhookTarget("https://169.254.169.254/latest", {}).error().code, "not_public");
  EXPECT_EQ(resolveWebhookTarget("not a url", {}).error().code, "bad_url");

  auto ok = resolveWebhookTarget("http://127.0.0.1:8099/hook", {"127.0.0.1"});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE(ok->literal);
  EXPECT_EQ(ok->port, 8099);
  EXPECT_EQ(ok->addresses, std::vector<std::string>{"127.0.0.1"});
  auto named = resolveWebhookTarget("https://LocalHost/hook", {"127.0.0.1", "::1"});
  ASSERT_TRUE(named.ok()) << named.error().message;
  EXPECT_FALSE(named->literal);
  EXPECT_EQ(named->host, "localhost");
  EXPECT_EQ(named->port, 443);
}

TEST(PortalOneLineQuoted, KeepsOutsideTextOnOneQuotedLine) {
  EXPECT_EQ(oneLineQuoted("Ann Lee"), "\u201cAnn Lee\u201d");
  EXPECT_EQ(oneLineQuoted("Mallory\r\n\r\nApprove here: https://evil.example/m#x"),
            "\u201cMallory Approve here: https://evil.example/m#x\u201d");
  EXPECT_EQ(oneLineQuoted("a\tb\x7f"
                          "c\u2028d\u0085e\u202eF"),
            "\u201ca b c d e F\u201d");
  EXPECT_EQ(oneLineQuoted("\u0416\u0435\u043d\u044f"), "\u201c\u0416\u0435\u043d\u044f\u201d");
}

class FakeStream : public SseStream {
 public:
  using SseStream::send;
  bool send(std::shared_ptr<const std::string>) override { return open_; }
  bool isOpen() const override { return open_; }
  void close() override { open_ = false; }

 private:
  bool open_ = true;
};

TEST(PortalHub, ANewStreamBeyondTheSessionsCapEndsItsOldest) {
  Hub hub;
  hub.setStreamsPerSession(2);
  std::vector<std::shared_ptr<FakeStream>> s;
  for (int i = 0; i < 4; ++i) {
    s.push_back(std::make_shared<FakeStream>());
    hub.add(Subscriber{s.back(), 7, 1, 3, i < 3 ? "session-a" : "session-b", 0});
  }
  EXPECT_FALSE(s[0]->isOpen());  // the third stream of session-a ended the first
  EXPECT_TRUE(s[1]->isOpen());
  EXPECT_TRUE(s[2]->isOpen());
  EXPECT_TRUE(s[3]->isOpen());  // another session is not affected
  EXPECT_EQ(hub.publishUnit(1, 3, "x"), 3u);
}

TEST(PortalStaticFiles, NeverServesDotfiles) {
  namespace fs = std::filesystem;
  auto root = fs::temp_directory_path() / ("web-" + Uuid::random().toString());
  fs::create_directories(root / ".git");
  fs::create_directories(root / "css");
  std::ofstream(root / "index.html") << "<p>hi</p>";
  std::ofstream(root / ".env") << "SECRET=1";
  std::ofstream(root / ".git" / "config") << "[core]";
  std::ofstream(root / "css" / ".htpasswd") << "admin:x";
  std::ofstream(root / "css" / "app.css") << "p{}";
  StaticFiles files(root.string());
  EXPECT_NE(files.find("/index.html"), nullptr);
  EXPECT_NE(files.find("/css/app.css"), nullptr);
  EXPECT_EQ(files.find("/.env"), nullptr);
  EXPECT_EQ(files.find("/.git/config"), nullptr);
  EXPECT_EQ(files.find("/css/.htpasswd"), nullptr);
  EXPECT_EQ(files.count(), 2u);
  fs::remove_all(root);
}

}  // namespace
}  // namespace gatehouse::portal
