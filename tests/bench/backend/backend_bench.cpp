// Backend benchmarks against a real database: NOTIFY→callback latency, the approval round trip
// (kiosk request → resident decides → kiosk's listener hears it), and sustained visit requests
// per second from N concurrent kiosks. Prints one JSON object per measurement.
//   gatehouse-bench-backend URL_OWNER URL_KIOSK URL_APP [seconds-per-load-step]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/kiosk_client.hpp"
#include "gatehouse/backend/listener.hpp"

using namespace gatehouse;
using namespace gatehouse::backend;
using Clock = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void report(const std::string& name, const std::vector<double>& ms) {
  std::printf("{\"bench\":\"%s\",\"n\":%zu,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n",
              name.c_str(), ms.size(), percentile(ms, 0.5), percentile(ms, 0.99),
              percentile(ms, 1.0));
  std::fflush(stdout);
}

// Waits for a specific payload substring to arrive on the listener.
class Waiter {
 public:
  void deliver(const std::string& payload) {
    {
      std::lock_guard lock(m_);
      seen_.push_back({payload, Clock::now()});
    }
    cv_.notify_all();
  }
  Clock::time_point waitFor(const std::string& needle) {
    std::unique_lock lock(m_);
    Clock::time_point at{};
    cv_.wait_for(lock, std::chrono::seconds(10), [&] {
      for (auto it = seen_.begin(); it != seen_.end(); ++it)
        if (it->first.find(needle) != std::string::npos) {
          at = it->second;
          seen_.erase(seen_.begin(), it + 1);
          return true;
        }
      return false;
    });
    if (at == Clock::time_point{}) throw std::runtime_error("timed out waiting for " + needle);
    return at;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::pair<std::string, Clock::time_point>> seen_;
};

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: gatehouse-bench-backend URL_OWNER URL_KIOSK URL_SERVER [seconds]\n";
    return 2;
  }
  const std::string owner = argv[1], kioskUrl = argv[2], serverUrl = argv[3];
  const int seconds = argc > 4 ? std::stoi(argv[4]) : 5;
  Connection admin(owner);
  const auto demo = seedDemo(admin);
  const auto unit = admin.exec("SELECT id FROM gh.unit WHERE label = 'A-101'")[0].int64("id");
  const auto resident =
      admin.exec("SELECT id FROM gh.person WHERE email = 'a-101@harbour.example'")[0].int64("id");

  // 1. NOTIFY → callback: the floor for everything live.
  {
    Waiter w;
    Listener l(owner, "bench", [&](const Notification& n) { w.deliver(n.payload); });
    l.waitConnected(std::chrono::seconds(10));
    Connection sender(owner);
    std::vector<double> lat;
    for (int i = 0; i < 2000; ++i) {
      const auto t0 = Clock::now();
      sender.execPrepared("n", "SELECT pg_notify('bench', $1)", {"n" + std::to_string(i) + ";"});
      lat.push_back(ms(w.waitFor("n" + std::to_string(i) + ";") - t0));
    }
    report("notify_to_callback", lat);
  }

  // 2. Kiosk request → resident approves → the kiosk's listener hears "approved".
  {
    Waiter w;
    Listener l(owner, "gatehouse", [&](const Notification& n) { w.deliver(n.payload); });
    l.waitConnected(std::chrono::seconds(10));
    KioskClient kiosk(kioskUrl, {demo.kiosks[0].kioskId, demo.kiosks[0].token});
    Connection app(serverUrl);  // the server acting for the resident
    std::vector<double> lat;
    for (int i = 0; i < 500; ++i) {
      VisitRequest r{Uuid::random(),
                     unit,
                     "Bench Visitor",
                     "",
                     "bench",
                     "",
                     "",
                     std::chrono::system_clock::now()};
      const auto t0 = Clock::now();
      kiosk.requestVisit(r);
      app.asPerson(resident, [&](Connection& tx) {
        tx.execPrepared("decide", "SELECT gh.decide_visit($1, true)", {r.visitId});
      });
      const auto heard =
          w.waitFor("\"visit\" : \"" + r.visitId.toString() + "\", \"status\" : \"approved\"");
      lat.push_back(ms(heard - t0));
    }
    report("request_decide_notified", lat);
  }

  // 3. Sustained walk-in requests from N kiosks, each on its own connection.
  for (int n : {1, 10, 100}) {
    std::vector<NewKiosk> kiosks;
    for (int k = 0; k < n; ++k)
      kiosks.push_back(createKiosk(admin, demo.estateId,
                                   "bench-" + std::to_string(n) + "-" + std::to_string(k)));
    std::atomic<bool> go{false}, stop{false};
    std::atomic<long> done{0}, errors{0};
    std::vector<std::thread> threads;
    std::vector<std::vector<double>> lats(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) {
      threads.emplace_back([&, k] {
        KioskClient c(kioskUrl, {kiosks[static_cast<std::size_t>(k)].kioskId,
                                 kiosks[static_cast<std::size_t>(k)].token});
        while (!go) std::this_thread::yield();
        while (!stop) {
          VisitRequest r{Uuid::random(),
                         unit,
                         "Load Visitor",
                         "",
                         "load",
                         "",
                         "",
                         std::chrono::system_clock::now()};
          const auto t0 = Clock::now();
          try {
            c.requestVisit(r);
            ++done;
            lats[static_cast<std::size_t>(k)].push_back(ms(Clock::now() - t0));
          } catch (const backend::Error&) {
            ++errors;
          }
        }
      });
    }
    const auto start = Clock::now();
    go = true;
    std::this_thread::sleep_until(start + std::chrono::seconds(seconds));  // the measurement window
    stop = true;
    for (auto& t : threads) t.join();
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    std::vector<double> all;
    for (auto& v : lats) all.insert(all.end(), v.begin(), v.end());
    std::printf(
        "{\"bench\":\"visit_requests\",\"kiosks\":%d,\"requests\":%ld,\"errors\":%ld,\"per_"
        "second\":%.1f,"
        "\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
        n, done.load(), errors.load(), static_cast<double>(done.load()) / secs,
        percentile(all, 0.5), percentile(all, 0.99));
    std::fflush(stdout);
  }
  return 0;
}
