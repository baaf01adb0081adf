// Portal load generator (loopback only, bounded): holds N live SSE connections, measures event
// delivery from the kiosk's request to every phone, the approval round trip, page weight and
// time to first byte. Prints a Markdown table row per measurement.
//   portal_bench [--clients 100,1000,2000] [--events 20] [--rounds 50]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/kiosk_client.hpp"
#include "gatehouse/backend/listener.hpp"
#include "gatehouse/portal/portal.hpp"
#include "gatehouse/testing/signing_key_file.hpp"
#include "gatehouse/testing/test_database.hpp"
#include "gatehouse/testing/wait.hpp"

using namespace gatehouse;
using Steady = std::chrono::steady_clock;

namespace {

double ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

int connectTo(std::uint16_t port, bool nonblocking) {
  int fd = ::socket(AF_INET, SOCK_STREAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  if (rc != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Many SSE clients on one epoll thread. Records when each client first sees a marker.
class SseSwarm {
 public:
  SseSwarm(std::uint16_t port, const std::vector<std::string>& cookies) : port_(port) {
    ep_ = epoll_create1(0);
    for (const auto& c : cookies) {
      int fd = connectTo(port, true);
      if (fd < 0) {
        ++failed_;
        continue;
      }
      Conn conn;
      conn.request =
          "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nCookie: " +
          c + "\r\n\r\n";
      conns_.emplace(fd, std::move(conn));
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLOUT;
      ev.data.fd = fd;
      epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
    }
    thread_ = std::thread([this] { loop(); });
  }
  ~SseSwarm() {
    stop_ = true;
    thread_.join();
    for (auto& [fd, c] : conns_) ::close(fd);
    ::close(ep_);
  }
  std::size_t open() const { return open_.load(); }
  std::size_t failed() const { return failed_.load(); }
  std::size_t size() const { return conns_.size(); }
  void expect(const std::string& marker) {
    std::lock_guard lock(mu_);
    marker_ = marker;
    arrivals_.clear();
    seen_ = 0;
  }
  std::size_t seen() const { return seen_.load(); }
  std::vector<Steady::time_point> arrivals() {
    std::lock_guard lock(mu_);
    return arrivals_;
  }

 private:
  struct Conn {
    std::string request;
    std::size_t sent = 0;
    bool headers = false;
    std::string tail;  // last bytes, so a marker split across reads is still found
    std::string lastMarker;
  };
  void loop() {
    std::vector<epoll_event> evs(1024);
    char buf[16384];
    while (!stop_) {
      int n = epoll_wait(ep_, evs.data(), static_cast<int>(evs.size()), 50);
      auto now = Steady::now();
      for (int i = 0; i < n; ++i) {
        int fd = evs[i].data.fd;
        auto& c = conns_[fd];
        if ((evs[i].events & EPOLLOUT) && c.sent < c.request.size()) {
          auto w = ::send(fd, c.request.data() + c.sent, c.request.size() - c.sent, MSG_NOSIGNAL);
          if (w > 0) c.sent += static_cast<std::size_t>(w);
          if (c.sent == c.request.size()) {
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.fd = fd;
            epoll_ctl(ep_, EPOLL_CTL_MOD, fd, &ev);
          }
        }
        if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
          for (;;) {
            auto r = ::recv(fd, buf, sizeof buf, 0);
            if (r <= 0) {
              if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                epoll_ctl(ep_, EPOLL_CTL_DEL, fd, nullptr);
                if (c.headers) --open_;
                c.headers = false;
              }
              break;
            }
            std::string data = c.tail + std::string(buf, static_cast<std::size_t>(r));
            if (!c.headers && data.find("HTTP/1.1 200") != std::string::npos) {
              c.headers = true;
              ++open_;
            }
            std::lock_guard lock(mu_);
            if (!marker_.empty() && c.lastMarker != marker_ &&
                data.find(marker_) != std::string::npos) {
              c.lastMarker = marker_;
              arrivals_.push_back(now);
              ++seen_;
            }
            c.tail = data.size() > 64 ? data.substr(data.size() - 64) : data;
          }
        }
      }
    }
  }
  std::uint16_t port_;
  int ep_ = -1;
  std::unordered_map<int, Conn> conns_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> open_{0}, failed_{0}, seen_{0};
  std::mutex mu_;
  std::string marker_;
  std::vector<Steady::time_point> arrivals_;
};

// One blocking HTTP exchange on a fresh connection; returns (time to first byte, whole response).
std::pair<double, std::string> httpOnce(std::uint16_t port, const std::string& request) {
  auto t0 = Steady::now();
  int fd = connectTo(port, false);
  if (fd < 0) return {-1, {}};
  (void)!::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[65536];
  double ttfb = -1;
  for (;;) {
    auto r = ::recv(fd, buf, sizeof buf, 0);
    if (r <= 0) break;
    if (ttfb < 0) ttfb = ms(Steady::now() - t0);
    out.append(buf, static_cast<std::size_t>(r));
    auto he = out.find("\r\n\r\n");
    if (he != std::string::npos) {
      auto cl = out.find("Content-Length: ");
      if (cl != std::string::npos && cl < he) {
        auto len = std::stoul(out.substr(cl + 16));
        if (out.size() >= he + 4 + len) break;
      }
    }
  }
  ::close(fd);
  return {ttfb, out};
}

std::vector<int> parseList(const std::string& s) {
  std::vector<int> v;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) v.push_back(std::stoi(item));
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {100, 1000, 2000};
  int events = 20, rounds = 50;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--clients")
      sizes = parseList(argv[i + 1]);
    else if (a == "--events")
      events = std::stoi(argv[i + 1]);
    else if (a == "--rounds")
      rounds = std::stoi(argv[i + 1]);
  }
  int maxClients = *std::max_element(sizes.begin(), sizes.end());
  if (maxClients > 5000 || events > 200 || rounds > 500) {
    std::cerr << "bench: bounded to 5000 clients, 200 events, 500 rounds\n";
    return 2;
  }
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < static_cast<rlim_t>(2 * maxClients + 200)) {
    std::cerr << "bench: raise the descriptor limit first (ulimit -n " << 2 * maxClients + 1000
              << ")\n";
    return 2;
  }

  testing::TestDatabase db;
  backend::Connection admin(db.url());
  auto demo = backend::seedDemo(admin);
  auto unit = std::stoll(db.exec("SELECT id FROM gh.unit WHERE label = 'A-101'"));
  auto person =
      std::stoll(db.exec("SELECT id FROM gh.person WHERE email = 'a-101@harbour.example'"));
  // Sessions made directly (signing in 2,000 times would measure Argon2id, not the portal).
  db.exec(
      "INSERT INTO gh.portal_session (token_hash, person_id, csrf_token, expires_at) "
      "SELECT encode(sha256(convert_to('bench-' || i, 'UTF8')), 'hex'), " +
      std::to_string(person) +
      ", 'csrf-bench', now() + interval '1 hour' FROM generate_series(0, " +
      std::to_string(maxClients) + ") i");

  portal::PortalConfig cfg;
  gatehouse::testing::SigningKeyFile keyFile(demo.signingKeys);
  cfg.databaseUrl = db.urlAs("gatehouse_server");
  cfg.signingKeyFile = keyFile.path();
  cfg.port = 0;
  cfg.accessLog = false;
  cfg.maxConnectionsPerAddress = 0;  // every bench client comes from 127.0.0.1
  cfg.secret = "bench-secret";
  if (const char* io = std::getenv("PORTAL_BENCH_IO_THREADS")) cfg.ioThreads = std::atoi(io);
  portal::Portal portal(cfg);
  portal.start();
  auto port = portal.port();
  backend::KioskClient kiosk(db.urlAs("gatehouse_kiosk"),
                             {demo.kiosks[0].kioskId, demo.kiosks[0].token});

  std::cout << "| clients | held | events | deliveries | p50 ms | p99 ms | max ms | first arrival "
               "p50 ms | fan-out spread p50 ms | kiosk call p50 ms |\n"
               "|---|---|---|---|---|---|---|---|---|---|\n";
  for (int n : sizes) {
    std::vector<std::string> cookies;
    for (int i = 0; i < n; ++i) cookies.push_back("gh_session=bench-" + std::to_string(i));
    SseSwarm swarm(port, cookies);
    using gatehouse::testing::waitUntil;
    waitUntil([&] { return swarm.open() >= static_cast<std::size_t>(n); },
              std::chrono::seconds(30));
    // Every stream is registered with the hub once the portal counts it.
    waitUntil([&] { return portal.openStreams() >= swarm.open(); }, std::chrono::seconds(30));
    std::vector<double> lat, first, spread, kioskCall;
    for (int e = 0; e < events; ++e) {
      backend::VisitRequest r;
      r.visitId = Uuid::random();
      r.unitId = unit;
      r.visitorName = "Bench Visitor " + std::to_string(e);
      r.requestedAt = std::chrono::system_clock::now();
      swarm.expect(r.visitId.toString());
      auto sent = Steady::now();
      kiosk.requestVisit(r);
      kioskCall.push_back(ms(Steady::now() - sent));
      gatehouse::testing::waitUntil([&] { return swarm.seen() >= swarm.open(); },
                                    std::chrono::seconds(10));
      auto arr = swarm.arrivals();
      for (auto t : arr) lat.push_back(ms(t - sent));
      if (!arr.empty()) {
        auto [lo, hi] = std::minmax_element(arr.begin(), arr.end());
        first.push_back(ms(*lo - sent));
        spread.push_back(ms(*hi - *lo));
      }
    }
    std::cout << "| " << n << " | " << swarm.open() << " | " << events << " | " << lat.size()
              << " | " << pct(lat, 50) << " | " << pct(lat, 99) << " | " << pct(lat, 100) << " | "
              << pct(first, 50) << " | " << pct(spread, 50) << " | " << pct(kioskCall, 50) << " |"
              << std::endl;
    if (n == maxClients) {
      // Time to first byte of the page while every stream is open.
      std::vector<double> ttfb;
      for (int i = 0; i < 100; ++i)
        ttfb.push_back(
            httpOnce(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").first);
      std::cout << "\nTTFB of / with " << swarm.open() << " streams open: p50 " << pct(ttfb, 50)
                << " ms, p99 " << pct(ttfb, 99) << " ms\n\n";
    }
  }

  // Page weight and idle TTFB.
  std::size_t weight = 0;
  for (const char* f : {"/", "/app.css", "/i18n.js", "/app.js", "/icon.svg"}) {
    auto [t, body] = httpOnce(
        port, std::string("GET ") + f + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto he = body.find("\r\n\r\n");
    weight += body.size() - (he == std::string::npos ? 0 : he + 4);
  }
  std::vector<double> ttfb;
  for (int i = 0; i < 200; ++i)
    ttfb.push_back(httpOnce(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").first);
  std::cout << "Page weight (HTML+CSS+JS+icon, uncompressed): " << weight << " bytes\n";
  std::cout << "TTFB of / (idle, new connection each): p50 " << pct(ttfb, 50) << " ms, p99 "
            << pct(ttfb, 99) << " ms\n";

  // Approval round trip: kiosk request -> event on the phone -> decision POST -> kiosk notified.
  std::mutex mu;
  std::map<std::string, Steady::time_point> approvedAt;
  backend::Listener kioskEar(db.urlAs("gatehouse_kiosk"), "gatehouse",
                             [&](const backend::Notification& nt) {
                               auto j = nlohmann::json::parse(nt.payload, nullptr, false);
                               if (j.is_discarded() || j.value("event", "") != "visit" ||
                                   j.value("status", "") != "approved")
                                 return;
                               std::lock_guard lock(mu);
                               approvedAt.emplace(j.value("visit", ""), Steady::now());
                             });
  kioskEar.waitConnected(std::chrono::seconds(5));
  SseSwarm phone(port, {"gh_session=bench-0"});
  if (!gatehouse::testing::waitUntil([&] { return phone.open() >= 1 && portal.openStreams() >= 1; },
                                     std::chrono::seconds(30))) {
    std::cerr << "portal_bench: the phone's event stream did not open within 30 s\n";
    portal.stop(std::chrono::seconds(2));
    return 1;
  }
  std::vector<double> trips;
  for (int i = 0; i < rounds; ++i) {
    backend::VisitRequest r;
    r.visitId = Uuid::random();
    r.unitId = unit;
    r.visitorName = "Round Trip " + std::to_string(i);
    r.requestedAt = std::chrono::system_clock::now();
    auto id = r.visitId.toString();
    phone.expect(id);
    auto t0 = Steady::now();
    kiosk.requestVisit(r);
    gatehouse::testing::waitUntil([&] { return phone.seen() >= 1; }, std::chrono::seconds(5));
    std::string body = R"({"approve":true})";
    auto res = httpOnce(port, "POST /api/visits/" + id +
                                  "/decide HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                  "Cookie: gh_session=bench-0\r\nX-CSRF-Token: "
                                  "csrf-bench\r\nContent-Type: application/json\r\n"
                                  "Content-Length: " +
                                  std::to_string(body.size()) + "\r\n\r\n" + body);
    if (res.second.find("200 OK") == std::string::npos) {
      std::cerr << "decide failed: " << res.second.substr(0, 200) << "\n";
      continue;
    }
    Steady::time_point heardAt{};
    gatehouse::testing::waitUntil(
        [&] {
          std::lock_guard lock(mu);
          auto it = approvedAt.find(id);
          if (it == approvedAt.end()) return false;
          heardAt = it->second;
          return true;
        },
        std::chrono::seconds(5));
    if (heardAt != Steady::time_point{}) trips.push_back(ms(heardAt - t0));
  }
  std::cout << "Approval round trip (" << trips.size() << " rounds): p50 " << pct(trips, 50)
            << " ms, p99 " << pct(trips, 99) << " ms\n";
  portal.stop(std::chrono::seconds(2));
  return 0;
}
