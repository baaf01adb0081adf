// Web Push benchmark: kiosk request committed -> push accepted by a local push service (node,
// decrypting every message), for one device and for a burst to N devices; encryption cost.
//   tests/bench/portal/run-push [build-dir] [--devices 2000] [--rounds 30]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/connection.hpp"
#include "gatehouse/backend/kiosk_client.hpp"
#include "gatehouse/portal/portal.hpp"
#include "gatehouse/testing/test_database.hpp"
#include "gatehouse/testing/wait.hpp"
#include "push.hpp"
#include "push_peer.hpp"

using namespace gatehouse;
using json = nlohmann::json;

namespace {
double nowMs() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0
                   : v[std::min(v.size() - 1,
                                static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}
void report(const char* what, const std::vector<double>& ms) {
  std::printf("%-34s n=%5zu  p50 %8.1f ms  p99 %8.1f ms  max %8.1f ms\n", what, ms.size(),
              pct(ms, 0.5), pct(ms, 0.99), pct(ms, 1.0));
}
}  // namespace

int main(int argc, char** argv) {
  int devices = 2000, rounds = 30;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--devices") devices = std::stoi(argv[i + 1]);
    if (a == "--rounds") rounds = std::stoi(argv[i + 1]);
  }
  auto dir = std::filesystem::temp_directory_path() / ("gh-push-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto keyFile = (dir / "vapid.pem").string();
  auto pub = portal::generateVapidKey(keyFile);
  if (!pub) return 1;

  // Encryption and signing cost, in process.
  {
    auto ua = portal::VapidKeys::load(keyFile);
    std::string payload(400, 'x');
    const int n = 2000;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i)
      (void)portal::encryptPushPayload(pub.value(), "AAAAAAAAAAAAAAAAAAAAAA", payload);
    auto t1 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i)
      (void)ua.value().authorization("https://push.example/x", "mailto:a@b", 1000);
    auto t2 = std::chrono::steady_clock::now();
    std::printf("encrypt (RFC 8291, 400 B)          %.0f us/message\n",
                std::chrono::duration<double, std::micro>(t1 - t0).count() / n);
    std::printf("VAPID JWT (ES256)                  %.0f us/message\n",
                std::chrono::duration<double, std::micro>(t2 - t1).count() / n);
  }

  testing::TestDatabase db;
  backend::Connection admin(db.url());
  auto demo = backend::seedDemo(admin);
  portal::testing::PushPeer peer;
  portal::PortalConfig cfg;
  cfg.databaseUrl = db.urlAs("gatehouse_server");
  cfg.port = 0;
  cfg.secret = "bench-secret-0123456789abcdef0123456789";
  cfg.accessLog = false;
  cfg.vapidKeyFile = keyFile;
  cfg.pushCaFile = peer.ca();
  portal::Portal p(cfg);
  p.start();
  backend::KioskClient kiosk(db.urlAs("gatehouse_kiosk"),
                             {demo.kiosks[0].kioskId, demo.kiosks[0].token});
  auto subscribe = [&](const std::string& unit, const std::string& name) {
    auto d = peer.device(name);
    admin.exec(
        "INSERT INTO gh.push_subscription (estate_id, person_id, endpoint, p256dh, auth) "
        "SELECT estate_id, id, $1, $2, $3 FROM gh.person WHERE email = $4",
        {d["endpoint"].get<std::string>(), d["keys"]["p256dh"].get<std::string>(),
         d["keys"]["auth"].get<std::string>(), unit + "@harbour.example"});
  };
  auto request = [&](const std::string& unit) {
    backend::VisitRequest r;
    r.visitId = Uuid::random();
    r.unitId = std::stoll(db.exec("SELECT id FROM gh.unit WHERE label = '" + unit + "'"));
    r.visitorName = "Bench Visitor";
    r.purpose = "Delivery";
    r.requestedAt = std::chrono::system_clock::now();
    kiosk.requestVisit(r);
    return nowMs();  // committed
  };
  auto received = [&] { return peer.times()["at_ms"].size(); };

  // One resident, one device (a-205 lives alone), one visit at a time.
  subscribe("a-205", "solo");
  std::vector<double> one;
  for (int i = 0; i < rounds; ++i) {
    auto before = received();
    double t = request("A-205");
    if (!testing::waitUntil([&] { return received() > before; }, std::chrono::seconds(30))) break;
    one.push_back(peer.times()["at_ms"][before].get<double>() - t);
  }
  report("one device", one);

  // A burst: one visit to a household with `devices` subscribed devices.
  for (int i = 0; i < devices; ++i) subscribe("b-110", "burst-" + std::to_string(i));
  auto base = received();
  double t = request("B-110");
  bool all =
      testing::waitUntil([&] { return received() >= base + devices; }, std::chrono::seconds(300));
  auto times = peer.times()["at_ms"];
  std::vector<double> burst;
  for (std::size_t i = base; i < times.size(); ++i) burst.push_back(times[i].get<double>() - t);
  report(("burst to " + std::to_string(devices) + " devices").c_str(), burst);
  std::printf("rejected by the push service: %d%s\n", peer.times()["rejected"].get<int>(),
              all ? "" : "  (not all arrived in 300 s)");
  p.stop();
  std::filesystem::remove_all(dir);
  return all ? 0 : 1;
}
