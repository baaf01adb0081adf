// gatehouse-worker: escalates unanswered requests, expires stale ones, raises overstay and
// kiosk-offline alerts. One per estate cluster is enough; several are safe (idempotent SQL).
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/console/config.hpp"
#include "gatehouse/console/housekeeper.hpp"

namespace {
gatehouse::console::Housekeeper* g_worker = nullptr;
void onSignal(int) {
  if (g_worker) g_worker->stop();
}
}  // namespace

int main(int argc, char** argv) {
  std::string configPath = "config/console.toml", url;
  bool once = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      configPath = argv[++i];
    } else if (a == "--database-url" && i + 1 < argc) {
      url = argv[++i];
    } else if (a == "--once") {
      once = true;
    } else {
      std::cerr << "usage: gatehouse-worker [--config FILE] [--database-url URL] [--once]\n";
      return a == "--help" ? 0 : 2;
    }
  }
  auto cfg = gatehouse::console::loadConfig(configPath);
  if (!cfg) {
    std::cerr << cfg.error().message << "\n";
    return 2;
  }
  url = gatehouse::backend::resolveDatabaseUrl(url, cfg->databaseUrl);
  try {
    if (once) {
      gatehouse::backend::Connection conn(url);
      const auto r = gatehouse::console::runHousekeeping(conn, cfg->kioskStale);
      std::cout << "escalated " << r.escalated << " expired " << r.expired << " overstays " << r.overstays
                << " kiosks_offline " << r.kiosksOffline << "\n";
      return 0;
    }
    gatehouse::console::Housekeeper worker(
        url, {cfg->workerInterval, cfg->kioskStale, [](const std::string& s) { std::cerr << s << std::endl; }});
    g_worker = &worker;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::cerr << "gatehouse-worker: housekeeping every " << cfg->workerInterval.count() << " ms" << std::endl;
    worker.run();
  } catch (const gatehouse::backend::Error& e) {
    std::cerr << "gatehouse-worker: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
