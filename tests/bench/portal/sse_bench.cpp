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
#include "sse_swarm.hpp"

using namespace gatehouse;
using namespace gatehouse::bench;

namespace {

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
