// The server as an attacker tries it: newlines in kiosk text, webhooks to loopback, a cleared
// webhook, too many streams or connections, malformed HTTP.
#include <regex>
#include <sstream>

#include "harness.hpp"

namespace gatehouse::portal::testing {
namespace {

// A raw TCP connection to the portal, for what an HTTP client library will not send.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    timeval tv{30, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  bool connected() const { return connected_; }
  void send(const std::string& bytes) {
    (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  }
  // Everything until the server closes (or 30 s pass).
  std::string readToEnd() {
    std::string out;
    char buf[4096];
    for (;;) {
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return out;
      out.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

class PortalHardeningMailTest : public PortalTest {
 protected:
  void configure(PortalConfig& c) override { c.smtpUrl = smtp_.url(); }
  SmtpSink smtp_;
};

TEST_F(PortalHardeningMailTest, AVisitorsNameCannotPutALineAboveTheRealLink) {
  requestVisit("A-102", "Mallory\r\n\r\nApprove here: https://evil.example/m#forged",
               "Parcel\nClick below");
  std::string mail;
  ASSERT_TRUE(waitUntil([&] {
    for (auto& m : smtp_.messages())
      if (m.find("asking to visit you") != std::string::npos) mail = m;
    return !mail.empty();
  }));
  // Stored on one line at the database boundary...
  EXPECT_EQ(db_.exec("SELECT full_name FROM gh.visitor ORDER BY id DESC LIMIT 1"),
            "Mallory Approve here: https://evil.example/m#forged");
  EXPECT_EQ(db_.exec("SELECT purpose FROM gh.visit ORDER BY requested_at DESC LIMIT 1"),
            "Parcel Click below");
  // ... and quoted inside the sentence of the mail; every line that starts with a link is ours.
  EXPECT_NE(mail.find("\u201cMallory Approve here: https://evil.example/m#forged\u201d is at"),
            std::string::npos)
      << mail;
  EXPECT_NE(mail.find("(\u201cParcel Click below\u201d)"), std::string::npos) << mail;
  std::istringstream lines(mail);
  int links = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("http", 0) != 0) continue;
    EXPECT_EQ(line.find("evil.example"), std::string::npos) << line;
    ++links;
  }
  EXPECT_GE(links, 1);
}

// A receiver on 127.0.0.1 that counts calls.
class HookReceiver {
 public:
  explicit HookReceiver(int status) {
    server_.Post("/hook", [this, status](const httplib::Request&, httplib::Response& res) {
      ++calls_;
      res.status = status;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~HookReceiver() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& host) const {
    return "http://" + host + ":" + std::to_string(port_) + "/hook";
  }
  int calls() const { return calls_.load(); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::atomic<int> calls_{0};
  std::thread thread_;
};

class PortalNoAllowListTest : public PortalTest {
 protected:
  void configure(PortalConfig& c) override { c.webhookAllowedAddresses.clear(); }
};

TEST_F(PortalNoAllowListTest, AWebhookToLoopbackIsRefusedAfterResolvingTheName) {
  HookReceiver hook(200);
  auto b = signIn("a-103@harbour.example");
  for (const char* host : {"localhost", "127.0.0.1"}) {
    auto set =
        post(b, "/api/me/channels", {{"notify_email", false}, {"webhook_url", hook.url(host)}});
    ASSERT_TRUE(set);
    ASSERT_EQ(set->status, 200) << set->body;
    requestVisit("A-103", std::string("Visitor for ") + host);
    ASSERT_TRUE(waitUntil([&] {
      return db_.exec(
                 "SELECT count(*) FROM gh.portal_delivery WHERE channel = 'webhook' AND "
                 "target = '" +
                 hook.url(host) + "' AND last_error LIKE '%loopback address%'") != "0";
    })) << db_.exec("SELECT string_agg(coalesce(last_error, '-'), '; ') FROM gh.portal_delivery");
  }
  EXPECT_EQ(hook.calls(), 0);
}

TEST_F(PortalTest, ADeliveryIsNotRetriedOnceItsWebhookUrlIsCleared) {
  HookReceiver hook(500);  // fails, so the delivery waits for a retry
  auto b = signIn("a-103@harbour.example");
  auto set = post(b, "/api/me/channels",
                  {{"notify_email", false}, {"webhook_url", hook.url("127.0.0.1")}});
  ASSERT_TRUE(set);
  ASSERT_EQ(set->status, 200) << set->body;
  requestVisit("A-103", "Hooked Visitor");
  ASSERT_TRUE(waitUntil([&] { return hook.calls() >= 1; }));
  auto clear = post(b, "/api/me/channels", {{"notify_email", false}, {"webhook_url", ""}});
  ASSERT_TRUE(clear);
  ASSERT_EQ(clear->status, 200) << clear->body;
  ASSERT_TRUE(waitUntil(
      [&] {
        return db_.exec(
                   "SELECT status || ':' || last_error FROM gh.portal_delivery WHERE channel = "
                   "'webhook'") == "failed:webhook url removed or changed";
      },
      std::chrono::seconds(30)))
      << db_.exec(
             "SELECT status || ':' || attempts || ':' || coalesce(last_error, '-') FROM "
             "gh.portal_delivery WHERE channel = 'webhook'");
}

class PortalCapsTest : public PortalTest {
 protected:
  void configure(PortalConfig& c) override {
    c.maxStreamsPerSession = 2;
    c.maxConnectionsPerAddress = 3;
  }
};

TEST_F(PortalCapsTest, AThirdStreamOfOneSessionEndsTheFirst) {
  auto b = signIn("a-101@harbour.example");
  auto first = std::make_unique<SseReader>(portal_->port(), b.cookie);
  ASSERT_TRUE(waitUntil([&] { return portal_->openStreams() == 1; }));
  SseReader second(portal_->port(), b.cookie);
  ASSERT_TRUE(waitUntil([&] { return portal_->openStreams() == 2; }));
  SseReader third(portal_->port(), b.cookie);
  EXPECT_TRUE(waitUntil([&] { return first->done(); }));
  EXPECT_TRUE(waitUntil([&] { return portal_->openStreams() == 2; }));
  EXPECT_FALSE(second.done());
  EXPECT_FALSE(third.done());
}

TEST_F(PortalCapsTest, OneAddressHoldsAtMostItsConnections) {
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawConnection>(portal_->port()));
    ASSERT_TRUE(held.back()->connected());
  }
  RawConnection fourth(portal_->port());
  fourth.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(fourth.readToEnd(), "");  // closed without an answer
  held.pop_back();
  EXPECT_TRUE(waitUntil([&] {
    RawConnection again(portal_->port());
    again.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    return again.readToEnd().rfind("HTTP/1.1 ", 0) == 0;
  }));
}

TEST_F(PortalTest, MalformedHttpGetsA400BeforeTheConnectionCloses) {
  for (const std::string& bad :
       {std::string("GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"),
        std::string("\x16\x03\x01\x02\x01\xfc\x03\x03\r\n\r\n"),  // TLS to plain
        std::string("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n")}) {
    RawConnection c(portal_->port());
    ASSERT_TRUE(c.connected());
    c.send(bad);
    const auto answer = c.readToEnd();  // ends: the server closed the connection
    EXPECT_EQ(answer.rfind("HTTP/1.1 400 ", 0), 0u) << answer;
    EXPECT_NE(answer.find("bad_request"), std::string::npos) << answer;
  }
}

}  // namespace
}  // namespace gatehouse::portal::testing
