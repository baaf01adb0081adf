// Decision latency: the resident's decision committed -> the kiosk shows the next screen, on the
// real binary (offscreen, 60 fps) against a private PostgreSQL cluster. The kiosk hears the
// decision by LISTEN on its own channel (0601_kiosk_push.sql); polling is only its fallback.
//   build/ci/tests/bench/kiosk/kiosk_decision_bench [VISITS]
// Each visit is denied (the next screen is Denied: no badge rendering in the figure).
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "../../e2e/kiosk/kiosk_harness.hpp"

using namespace gatehouse;
using namespace gatehouse::e2e;
using namespace std::chrono_literals;

namespace {

std::string one(const std::string& url, const std::string& sql, backend::Params p = {}) {
  backend::Connection c(url);
  auto rows = c.exec(sql, std::move(p));
  return rows.empty() ? std::string() : rows[0].text(0);
}

// The wall-clock microseconds at which the kiosk first showed `screen` after line `from`.
std::optional<long long> shownAt(const std::string& out, const std::string& screen,
                                 std::size_t& from) {
  const std::string key = "state " + screen + " ";
  const auto at = out.find(key, from);
  if (at == std::string::npos) return std::nullopt;
  from = at + key.size();
  return std::atoll(out.c_str() + from);
}

}  // namespace

int main(int argc, char** argv) {
  const int visits = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
  PrivateCluster pg;
  const std::string admin = pg.url("gatehouse");
  KioskSetup s;
  s.databaseUrl = pg.url("gatehouse", "gatehouse_kiosk");
  s.extraArgs = {"--bench"};
  s.screenshots = false;
  Kiosk k("decision_bench", s);
  std::string script = "wait-screen welcome 60\nwait-cache\n";
  for (int i = 0; i < visits; ++i) {
    script +=
        "tap welcome.walk_in\nwait-screen find_resident\ntype a-101\ntap unit.A-101\n"
        "wait-screen visitor_details\ntype olga smirnova\ntap purpose.guest\ntap details.next\n"
        "wait-screen photo\nwait-frames 3\ntap photo.take\nwait-screen photo_review\n"
        "tap review.use\nwait-screen denied 60\n"
        "tap outcome.finish\nwait-screen welcome\n";
  }
  k.start(script, "bench");
  std::vector<double> ms;
  std::size_t cursor = 0;
  for (int i = 0; i < visits; ++i) {
    std::string visit;
    if (!testing::waitUntil(
            [&] {
              visit = one(admin, "SELECT id::text FROM gh.visit WHERE status = 'pending' LIMIT 1");
              return !visit.empty();
            },
            120s)) {
      std::cerr << "no pending visit\n" << k.log();
      return 1;
    }
    // Decide only once the kiosk shows it is waiting: a decision that lands while the frame
    // after "Use photo" is still being drawn would skip the waiting screen and measure nothing.
    std::size_t waiting = cursor;
    if (!testing::waitUntil(
            [&] {
              std::size_t probe = cursor;
              if (!shownAt(readFile(k.file("bench.out")), "awaiting_approval", probe)) return false;
              waiting = probe;
              return true;
            },
            60s)) {
      std::cerr << "the kiosk never showed the waiting screen\n" << k.log();
      return 1;
    }
    cursor = waiting;
    backend::Connection c(admin);
    c.exec(
        "SELECT set_config('gatehouse.person_id', (SELECT p.id::text FROM gh.person p JOIN "
        "gh.visit v ON v.unit_id = p.unit_id WHERE v.id = $1::uuid AND p.role = 'resident' "
        "ORDER BY p.id LIMIT 1), false)",
        {visit});
    c.exec("SELECT gh.decide_visit($1::uuid, false)", {visit});
    const auto committed = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    std::optional<long long> shown;
    testing::waitUntil(
        [&] {
          std::size_t probe = cursor;
          shown = shownAt(readFile(k.file("bench.out")), "denied", probe);
          if (shown) cursor = probe;
          return shown.has_value();
        },
        60s);
    if (!shown) {
      std::cerr << "the kiosk never showed the decision\n" << k.log();
      return 1;
    }
    ms.push_back(static_cast<double>(*shown - committed) / 1000.0);
  }
  const int rc = k.wait(std::chrono::seconds(120));
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) {
    return ms[static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1) + 0.5)];
  };
  std::printf(
      "decision committed -> next screen, %zu visits: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
      ms.size(), pct(0.5), pct(0.99), ms.back());
  return rc == 0 ? 0 : 1;
}
