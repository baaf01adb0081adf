// Test harness for the portal: a fresh database with the demo estate, the real service on a
// free port, an HTTP client, a kiosk, an SMTP sink and a webhook receiver.
#pragma once
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/connection.hpp"
#include "gatehouse/backend/kiosk_client.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/portal/portal.hpp"
#include "gatehouse/testing/signing_key_file.hpp"
#include "gatehouse/testing/test_database.hpp"
#include "gatehouse/testing/wait.hpp"

namespace gatehouse::portal::testing {

using json = nlohmann::json;
using gatehouse::testing::waitUntil;

// Enough SMTP for libcurl: greets, accepts any sender and recipient, stores each message.
class SmtpSink {
 public:
  SmtpSink() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0)
      throw std::runtime_error("smtp sink cannot listen");
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~SmtpSink() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  std::vector<std::string> recipients() {
    std::lock_guard lock(mu_);
    return rcpts_;
  }

 private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      serve(c);
      ::close(c);
    }
  }
  static void say(int c, const std::string& s) {
    (void)!::send(c, s.data(), s.size(), MSG_NOSIGNAL);
  }
  void serve(int c) {
    say(c, "220 sink ESMTP\r\n");
    std::string buf, data;
    bool inData = false;
    char tmp[4096];
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!stop_ && std::chrono::steady_clock::now() < deadline) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      auto n = ::recv(c, tmp, sizeof tmp, 0);
      if (n <= 0) return;
      buf.append(tmp, static_cast<std::size_t>(n));
      for (;;) {
        auto eol = buf.find("\r\n");
        if (eol == std::string::npos) break;
        std::string line = buf.substr(0, eol);
        buf.erase(0, eol + 2);
        if (inData) {
          if (line == ".") {
            inData = false;
            {
              std::lock_guard lock(mu_);
              messages_.push_back(data);
            }
            data.clear();
            say(c, "250 queued\r\n");
          } else {
            data += (line.rfind("..", 0) == 0 ? line.substr(1) : line) + "\n";
          }
          continue;
        }
        std::string verb = line.substr(0, 4);
        for (auto& ch : verb) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (verb == "EHLO" || verb == "HELO")
          say(c, "250 sink\r\n");
        else if (verb == "DATA") {
          inData = true;
          say(c, "354 go\r\n");
        } else if (verb == "QUIT") {
          say(c, "221 bye\r\n");
          return;
        } else if (verb == "RCPT") {
          {
            std::lock_guard lock(mu_);
            rcpts_.push_back(line);
          }
          say(c, "250 ok\r\n");
        } else
          say(c, "250 ok\r\n");
      }
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> messages_;
  std::vector<std::string> rcpts_;
};

struct Browser {  // cookie + CSRF token of one signed-in person
  std::string cookie;
  std::string csrf;
  json me;
};

class PortalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = std::make_unique<backend::Connection>(db_.url());
    demo_ = backend::seedDemo(*admin_);
    keys_ = std::make_unique<gatehouse::testing::SigningKeyFile>(demo_.signingKeys);
    PortalConfig cfg;
    cfg.databaseUrl = db_.urlAs("gatehouse_server");
    cfg.signingKeyFile = keys_->path();
    cfg.port = 0;
    cfg.secret = "test-secret-for-magic-links-0123456789";
    cfg.webhookSecret = "webhook-secret";
    cfg.webhookAllowHttp = true;
    cfg.webhookAllowedAddresses = {"127.0.0.1"};  // the tests' receivers listen here
    cfg.accessLog = false;
    cfg.deliveryRetrySeconds = 1;
    cfg.workerThreads = 3;
    configure(cfg);
    portal_ = std::make_unique<Portal>(cfg, clock_);
    portal_->start();
    kiosk_ = std::make_unique<backend::KioskClient>(
        db_.urlAs("gatehouse_kiosk"),
        backend::KioskCredentials{demo_.kiosks[0].kioskId, demo_.kiosks[0].token});
  }
  void TearDown() override {
    if (portal_) portal_->stop(std::chrono::seconds(2));
  }
  virtual void configure(PortalConfig&) {}

  httplib::Client client() {
    httplib::Client c("127.0.0.1", portal_->port());
    c.set_read_timeout(10, 0);
    return c;
  }
  std::int64_t unitId(const std::string& label) {
    return std::stoll(db_.exec("SELECT id FROM gh.unit WHERE label = '" + label + "'"));
  }
  std::int64_t personId(const std::string& email) {
    return std::stoll(db_.exec("SELECT id FROM gh.person WHERE email = '" + email + "'"));
  }

  // Signs in; fails the test if it does not work.
  Browser signIn(const std::string& email, const std::string& password = "gatehouse-demo") {
    auto c = client();
    auto res = c.Post("/api/login", json{{"email", email}, {"password", password}}.dump(),
                      "application/json");
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 200) << res->body;
    Browser b;
    auto setCookie = res->get_header_value("Set-Cookie");
    b.cookie = setCookie.substr(0, setCookie.find(';'));
    b.me = json::parse(res->body);
    b.csrf = b.me.value("csrf", "");
    return b;
  }
  httplib::Result get(const Browser& b, const std::string& path) {
    auto c = client();
    return c.Get(path.c_str(), httplib::Headers{{"Cookie", b.cookie}});
  }
  httplib::Result post(const Browser& b, const std::string& path, const json& body) {
    auto c = client();
    return c.Post(path.c_str(), httplib::Headers{{"Cookie", b.cookie}, {"X-CSRF-Token", b.csrf}},
                  body.dump(), "application/json");
  }

  Uuid requestVisit(const std::string& unitLabel, const std::string& name,
                    const std::string& purpose = "Delivery") {
    backend::VisitRequest r;
    r.visitId = Uuid::random();
    r.unitId = unitId(unitLabel);
    r.visitorName = name;
    r.purpose = purpose;
    r.requestedAt = std::chrono::system_clock::now();
    kiosk_->requestVisit(r);
    return r.visitId;
  }
  Uuid addPhoto(const Uuid& visit, backend::EvidenceKind kind, const std::string& bytes) {
    backend::Evidence e;
    e.evidenceId = Uuid::random();
    e.visitId = visit;
    e.kind = kind;
    e.data.assign(bytes.begin(), bytes.end());
    e.capturedAt = std::chrono::system_clock::now();
    kiosk_->addEvidence(e);
    return e.evidenceId;
  }

  gatehouse::testing::TestDatabase db_;
  std::unique_ptr<backend::Connection> admin_;
  backend::DemoEstate demo_;
  std::unique_ptr<gatehouse::testing::SigningKeyFile> keys_;
  ManualClock clock_{std::chrono::system_clock::now()};
  std::unique_ptr<Portal> portal_;
  std::unique_ptr<backend::KioskClient> kiosk_;
};

// Reads an SSE stream in the background and keeps what arrived.
class SseReader {
 public:
  SseReader(std::uint16_t port, std::string cookie, std::string path = "/api/events")
      : client_(std::make_unique<httplib::Client>("127.0.0.1", port)) {
    client_->set_read_timeout(30, 0);
    thread_ = std::thread([this, cookie, path] {
      auto& c = *client_;
      auto res = c.Get(
          path.c_str(), httplib::Headers{{"Cookie", cookie}},
          [this](const httplib::Response& r) {
            status_ = r.status;
            return true;
          },
          [this](const char* data, std::size_t len) {
            std::lock_guard lock(mu_);
            text_.append(data, len);
            return !stop_.load();
          });
      if (res && status_ == 0) status_ = res->status;
      done_ = true;
    });
  }
  ~SseReader() {
    stop_ = true;
    client_->stop();
    thread_.join();
  }
  std::string text() {
    std::lock_guard lock(mu_);
    return text_;
  }
  bool contains(const std::string& s) { return text().find(s) != std::string::npos; }
  int status() const { return status_; }
  bool done() const { return done_; }

 private:
  std::unique_ptr<httplib::Client> client_;
  std::thread thread_;
  std::mutex mu_;
  std::string text_;
  std::atomic<bool> stop_{false};
  std::atomic<int> status_{0};
  std::atomic<bool> done_{false};
};

}  // namespace gatehouse::portal::testing
