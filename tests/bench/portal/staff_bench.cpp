// Staff stream benchmark (loopback only, bounded): N consoles on /api/staff/events next to M
// resident streams; a kiosk's request -> "event: queue" on every console, and approve on behalf
// (POST /api/staff/visits/{id}/decide) -> the kiosk's own NOTIFY channel fires.
//   staff_bench [--consoles 50] [--residents 2000] [--events 20] [--rounds 50]
#include <sys/resource.h>

#include <atomic>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

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
using gatehouse::testing::waitUntil;

namespace {

// Sessions made directly (signing in thousands of times would measure Argon2id).
std::vector<std::string> sessions(testing::TestDatabase& db, std::int64_t person,
                                  const std::string& prefix, int n) {
  db.exec(
      "INSERT INTO gh.portal_session (token_hash, person_id, csrf_token, expires_at) "
      "SELECT encode(sha256(convert_to('" +
      prefix + "' || i, 'UTF8')), 'hex'), " + std::to_string(person) +
      ", 'csrf-bench', now() + interval '1 hour' FROM generate_series(0, " + std::to_string(n - 1) +
      ") i");
  std::vector<std::string> cookies;
  for (int i = 0; i < n; ++i) cookies.push_back("gh_session=" + prefix + std::to_string(i));
  return cookies;
}

std::string decideRequest(const Uuid& visit, const std::string& cookie) {
  const std::string body = R"({"approve":true,"reason":"bench"})";
  return "POST /api/staff/visits/" + visit.toString() +
         "/decide HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: " + cookie +
         "\r\nX-CSRF-Token: csrf-bench\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

int main(int argc, char** argv) {
  int consoles = 50, residents = 2000, events = 20, rounds = 50;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const int v = std::stoi(argv[i + 1]);
    if (a == "--consoles") consoles = v;
    if (a == "--residents") residents = v;
    if (a == "--events") events = v;
    if (a == "--rounds") rounds = v;
  }
  if (consoles < 1 || consoles > 500 || residents < 0 || residents > 5000 || events > 200 ||
      rounds > 500) {
    std::cerr << "bench: bounded to 500 consoles, 5000 residents, 200 events, 500 rounds\n";
    return 2;
  }
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < static_cast<rlim_t>(2 * (consoles + residents) + 200)) {
    std::cerr << "bench: raise the descriptor limit first (ulimit -n)\n";
    return 2;
  }

  testing::TestDatabase db;
  backend::Connection admin(db.url());
  auto demo = backend::seedDemo(admin);
  const auto unit = std::stoll(db.exec("SELECT id FROM gh.unit WHERE label = 'A-101'"));
  const auto resident =
      std::stoll(db.exec("SELECT id FROM gh.person WHERE email = 'a-101@harbour.example'"));
  const auto guard =
      std::stoll(db.exec("SELECT id FROM gh.person WHERE email = '" + demo.guardEmails[0] + "'"));
  auto consoleCookies = sessions(db, guard, "staff-bench-", consoles);
  auto residentCookies = sessions(db, resident, "resident-bench-", residents);

  portal::PortalConfig cfg;
  gatehouse::testing::SigningKeyFile keyFile(demo.signingKeys);
  cfg.databaseUrl = db.urlAs("gatehouse_server");
  cfg.signingKeyFile = keyFile.path();
  cfg.port = 0;
  cfg.accessLog = false;
  cfg.maxConnectionsPerAddress = 0;  // every bench client comes from 127.0.0.1
  cfg.secret = "bench-secret";
  portal::Portal portal(cfg);
  portal.start();
  const auto port = portal.port();
  backend::KioskClient kiosk(db.urlAs("gatehouse_kiosk"),
                             {demo.kiosks[0].kioskId, demo.kiosks[0].token});

  SseSwarm residentSwarm(port, residentCookies);
  SseSwarm consoleSwarm(port, consoleCookies, "/api/staff/events");
  waitUntil([&] { return residentSwarm.open() >= static_cast<std::size_t>(residents); },
            std::chrono::seconds(60));
  waitUntil([&] { return consoleSwarm.open() >= static_cast<std::size_t>(consoles); },
            std::chrono::seconds(30));
  waitUntil([&] { return portal.openStreams() >= residentSwarm.open() + consoleSwarm.open(); },
            std::chrono::seconds(30));

  // 1. A kiosk's request -> "event: queue" with the visit's id on every console.
  std::vector<double> lat;
  for (int e = 0; e < events; ++e) {
    backend::VisitRequest r;
    r.visitId = Uuid::random();
    r.unitId = unit;
    r.visitorName = "Bench Visitor " + std::to_string(e);
    r.requestedAt = std::chrono::system_clock::now();
    consoleSwarm.expect("\"visit_id\":\"" + r.visitId.toString());
    const auto sent = Steady::now();
    kiosk.requestVisit(r);
    waitUntil([&] { return consoleSwarm.seen() >= consoleSwarm.open(); }, std::chrono::seconds(10));
    for (auto t : consoleSwarm.arrivals()) lat.push_back(ms(t - sent));
  }

  // 2. Approve on behalf -> the kiosk's channel (gatehouse_kiosk_<id>) fires.
  std::atomic<std::uint64_t> wakeups{0};
  backend::Listener kioskChannel(db.urlAs("gatehouse_kiosk"),
                                 "gatehouse_kiosk_" + std::to_string(demo.kiosks[0].kioskId),
                                 [&](const backend::Notification&) { ++wakeups; });
  kioskChannel.waitConnected(std::chrono::seconds(10));
  std::vector<double> approve, reply;
  for (int i = 0; i < rounds; ++i) {
    backend::VisitRequest r;
    r.visitId = Uuid::random();
    r.unitId = unit;
    r.visitorName = "Bench Approve " + std::to_string(i);
    r.requestedAt = std::chrono::system_clock::now();
    kiosk.requestVisit(r);
    const auto before = wakeups.load();
    const auto sent = Steady::now();
    auto [ttfb, text] = httpOnce(port, decideRequest(r.visitId, consoleCookies[0]));
    reply.push_back(ms(Steady::now() - sent));
    if (text.find("\"approved\"") == std::string::npos) {
      std::cerr << "bench: decide failed: " << text << "\n";
      return 1;
    }
    waitUntil([&] { return wakeups.load() > before; }, std::chrono::seconds(10));
    approve.push_back(ms(Steady::now() - sent));
  }

  std::cout << "| consoles | resident streams | events | deliveries | p50 ms | p99 ms | max ms |\n"
               "|---|---|---|---|---|---|---|\n"
            << "| " << consoleSwarm.open() << " | " << residentSwarm.open() << " | " << events
            << " | " << lat.size() << " | " << pct(lat, 50) << " | " << pct(lat, 99) << " | "
            << pct(lat, 100) << " |\n\n"
            << "| approve on behalf, rounds | reply p50 ms | reply p99 ms | kiosk notified p50 ms "
               "| kiosk notified p99 ms |\n|---|---|---|---|---|\n"
            << "| " << rounds << " | " << pct(reply, 50) << " | " << pct(reply, 99) << " | "
            << pct(approve, 50) << " | " << pct(approve, 99) << " |\n";
  portal.stop(std::chrono::seconds(2));
  return 0;
}
