// ServerClient and EventStream against a tiny in-test HTTP server: the transport only (cookie,
// CSRF, error mapping, abort, stream reconnects). The console against the real server is in
// tests/integration/console.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "gatehouse/console/event_stream.hpp"
#include "gatehouse/console/server_client.hpp"
#include "gatehouse/testing/wait.hpp"

namespace gatehouse::console {
namespace {

using namespace std::chrono_literals;
using gatehouse::testing::waitUntil;

class FakeServer {
 public:
  FakeServer() {
    srv_.Post("/api/login", [this](const httplib::Request& req, httplib::Response& res) {
      if (req.body.find("\"password\":\"right\"") == std::string::npos) {
        res.status = 401;
        res.set_content(R"({"error":"invalid_credentials"})", "application/json");
        return;
      }
      res.set_header("Set-Cookie", "gh_session=s3cret; HttpOnly; Secure; SameSite=Strict");
      res.set_content(
          R"({"id":7,"name":"Greta Guard","csrf":"tok-123","role":"guard","estate_id":1,"estate":"Oak"})",
          "application/json");
    });
    srv_.Get("/api/staff/session", [this](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("Cookie") != "gh_session=s3cret") {
        res.status = 401;
        res.set_content(R"({"error":"signed_out"})", "application/json");
        return;
      }
      res.set_content(
          R"({"person_id":7,"estate_id":1,"role":"guard","full_name":"Greta Guard","estate_name":"Oak"})",
          "application/json");
    });
    srv_.Post("/api/staff/alerts/ack", [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(m_);
        lastCsrf_ = req.get_header_value("X-CSRF-Token");
        lastType_ = req.get_header_value("Content-Type");
        lastBody_ = req.body;
      }
      if (req.get_header_value("X-CSRF-Token") != "tok-123") {
        res.status = 403;
        res.set_content(R"({"error":"csrf"})", "application/json");
        return;
      }
      res.set_content(R"({"acknowledged":3})", "application/json");
    });
    srv_.Get("/api/staff/queue", [this](const httplib::Request&, httplib::Response& res) {
      std::unique_lock lock(m_);
      cv_.wait(lock, [this] { return release_; });  // a server that hangs
      res.set_content("[]", "application/json");
    });
    srv_.Get("/api/staff/events", [this](const httplib::Request& req, httplib::Response& res) {
      const int n = ++streams_;
      if (req.get_header_value("Cookie") != "gh_session=s3cret" || refuseStreams_) {
        res.status = 401;
        res.set_content(R"({"error":"signed_out"})", "application/json");
        return;
      }
      res.set_chunked_content_provider(
          "text/event-stream", [this, n](std::size_t, httplib::DataSink& sink) {
            if (n == 1) {  // one event, then the connection drops
              const std::string first = ": ping\n\nevent: queue\ndata: {\"visit_id\":\"a\"}\n\n";
              sink.write(first.data(), first.size());
              sink.done();
              return true;
            }
            const std::string again = "event: alerts\ndata: {}\n\n";
            sink.write(again.data(), again.size());
            std::unique_lock lock(m_);
            cv_.wait_for(lock, 20s, [this] { return release_; });
            sink.done();
            return true;
          });
    });
    port_ = srv_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { srv_.listen_after_bind(); });
    waitUntil([this] { return srv_.is_running(); });
  }
  ~FakeServer() {
    release();
    srv_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void release() {
    {
      std::lock_guard lock(m_);
      release_ = true;
    }
    cv_.notify_all();
  }
  std::string lastCsrf() {
    std::lock_guard lock(m_);
    return lastCsrf_;
  }
  std::string lastType() {
    std::lock_guard lock(m_);
    return lastType_;
  }
  std::string lastBody() {
    std::lock_guard lock(m_);
    return lastBody_;
  }
  std::atomic<int> streams_{0};
  std::atomic<bool> refuseStreams_{false};

 private:
  httplib::Server srv_;
  int port_ = 0;
  std::thread thread_;
  std::mutex m_;
  std::condition_variable cv_;
  bool release_ = false;
  std::string lastCsrf_, lastType_, lastBody_;
};

ServerOptions optionsFor(const std::string& url) {
  ServerOptions o;
  o.url = url;
  o.connectTimeout = 2s;
  o.requestTimeout = 20s;
  return o;
}

TEST(ServerClient, SignInKeepsTheCookieAndTokenInMemoryAndSendsThem) {
  FakeServer server;
  ServerClient c(optionsFor(server.url()));
  EXPECT_FALSE(c.signedIn());
  const Session s = c.login("greta@example.org", "right", "123456");
  EXPECT_EQ(s.fullName, "Greta Guard");
  EXPECT_EQ(s.estateName, "Oak");
  EXPECT_EQ(c.cookie(), "gh_session=s3cret");  // only name=value, none of the attributes
  EXPECT_EQ(c.session().personId, 7);
  EXPECT_EQ(c.acknowledge({4, 5, 6}), 3);
  EXPECT_EQ(server.lastCsrf(), "tok-123");
  EXPECT_EQ(server.lastType(), "application/json");
  EXPECT_EQ(server.lastBody(), R"({"ids":[4,5,6]})");
}

TEST(ServerClient, AWrongPasswordIsATypedErrorAndLeavesNoSession) {
  FakeServer server;
  ServerClient c(optionsFor(server.url()));
  try {
    c.login("greta@example.org", "wrong", "123456");
    FAIL() << "signed in with a wrong password";
  } catch (const BackendError& e) {
    EXPECT_EQ(e.kind(), BackendErrorKind::SignedOut);
    EXPECT_EQ(e.code(), "invalid_credentials");
  }
  EXPECT_FALSE(c.signedIn());
  try {
    c.session();
    FAIL();
  } catch (const BackendError& e) {
    EXPECT_EQ(e.code(), "signed_out");
  }
}

TEST(ServerClient, NoServerIsUnreachableWithinTheConnectTimeout) {
  int port = 0;
  {  // a port nobody listens on: bound for a moment, never listened on, closed
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    ::close(fd);
  }
  ServerClient c(optionsFor("http://127.0.0.1:" + std::to_string(port)));
  const auto t0 = std::chrono::steady_clock::now();
  try {
    c.kiosks();
    FAIL();
  } catch (const BackendError& e) {
    EXPECT_EQ(e.kind(), BackendErrorKind::Unreachable);
    EXPECT_EQ(e.code(), "unreachable");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

TEST(ServerClient, AbortEndsTheRequestInFlightAtOnce) {
  FakeServer server;
  ServerClient c(optionsFor(server.url()));
  std::atomic<bool> done{false};
  std::optional<BackendErrorKind> kind;
  std::thread t([&] {
    try {
      c.queue();
    } catch (const BackendError& e) {
      kind = e.kind();
    }
    done = true;
  });
  ASSERT_FALSE(waitUntil([&] { return done.load(); }, 300ms));  // it really hangs
  const auto t0 = std::chrono::steady_clock::now();
  c.abort();
  EXPECT_TRUE(waitUntil([&] { return done.load(); }, 2s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  server.release();
  t.join();
  ASSERT_TRUE(kind);
  EXPECT_EQ(*kind, BackendErrorKind::Unreachable);
  EXPECT_THROW(c.units(), BackendError);  // and every later call
}

TEST(EventStream, DeliversEventsReconnectsAfterADropAndStopsPromptly) {
  FakeServer server;
  ServerClient c(optionsFor(server.url()));
  c.login("greta@example.org", "right", "");
  std::mutex m;
  std::vector<std::string> events;
  std::atomic<int> ups{0}, downs{0};
  StreamOptions so;
  so.backoffMin = 20ms;
  so.backoffMax = 200ms;
  EventStream stream(
      c,
      [&](const SseEvent& e) {
        std::lock_guard lock(m);
        events.push_back(e.event);
      },
      [&](bool up) { ++(up ? ups : downs); }, so);
  stream.start();
  ASSERT_TRUE(waitUntil(
      [&] {
        std::lock_guard lock(m);
        return events.size() >= 2;
      },
      10s));
  {
    std::lock_guard lock(m);
    EXPECT_EQ(events[0], "queue");
    EXPECT_EQ(events[1], "alerts");
  }
  EXPECT_EQ(ups.load(), 2);  // each open asks the console for a full reload
  EXPECT_GE(downs.load(), 1);
  EXPECT_EQ(server.streams_.load(), 2);
  const auto t0 = std::chrono::steady_clock::now();
  stream.stop();  // while the second stream is open and silent
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST(EventStream, ARefusedSessionStopsRetrying) {
  FakeServer server;
  ServerClient c(optionsFor(server.url()));
  c.login("greta@example.org", "right", "");
  server.refuseStreams_ = true;
  std::atomic<int> downs{0};
  EventStream stream(
      c, [](const SseEvent&) {}, [&](bool up) { downs += up ? 0 : 1; });
  stream.start();
  ASSERT_TRUE(waitUntil([&] { return stream.signedOut(); }, 10s));
  EXPECT_EQ(server.streams_.load(), 1);
  EXPECT_EQ(downs.load(), 1);
}

}  // namespace
}  // namespace gatehouse::console
