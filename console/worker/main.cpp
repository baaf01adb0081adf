// gatehouse-worker: escalates unanswered requests, expires stale ones, raises overstay and
// kiosk-offline alerts, purges what is past retention. One per estate cluster is enough;
// several are safe (idempotent SQL).
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <csignal>
#include <iostream>
#include <string>
#include <thread>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/backend/privacy.hpp"
#include "gatehouse/console/config.hpp"
#include "gatehouse/console/housekeeper.hpp"
#include "gatehouse/core/credentials.hpp"
#include "gatehouse/core/logging.hpp"
#include "gatehouse/core/service_notify.hpp"

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
  gatehouse::service::initLogging("gatehouse-worker");
  auto cfg = gatehouse::console::loadConfig(configPath);
  if (!cfg) {
    spdlog::error("{}", cfg.error().message);
    return 2;
  }
  url = gatehouse::backend::resolveDatabaseUrl(url, cfg->databaseUrl);
  // The unit's LoadCredential=db-password reaches libpq as PGPASSWORD (URL passwords still win).
  if (auto pw = gatehouse::readCredential(gatehouse::credential::kDbPassword);
      pw && !getenv("PGPASSWORD"))
    setenv("PGPASSWORD", pw->c_str(), 1);
  try {
    if (once) {
      gatehouse::backend::Connection conn(url);
      const auto r = gatehouse::console::runHousekeeping(conn, cfg->kioskStale);
      std::cout << "escalated " << r.escalated << " expired " << r.expired << " overstays "
                << r.overstays << " kiosks_offline " << r.kiosksOffline << "\n";
      if (cfg->purgeEvery.count() > 0)
        for (const auto& m : gatehouse::backend::runRetentionPurge(
                                 conn, std::chrono::system_clock::now(), cfg->purgeBatch)
                                 .messages)
          std::cout << m << "\n";
      return 0;
    }
    // SIGINT/SIGTERM are taken by a thread in sigwait (blocked everywhere else), so stopping
    // uses ordinary locks instead of running inside a signal handler.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    // Ready after the first pass (even a failed one: the database may come later); every pass
    // feeds the watchdog, so a pass stuck in the database gets the worker restarted.
    bool announced = false;
    gatehouse::console::Housekeeper worker(
        url,
        {cfg->workerInterval, cfg->kioskStale, [](const std::string& s) { spdlog::info("{}", s); },
         &gatehouse::SystemClock::instance(), cfg->purgeEvery, cfg->purgeBatch,
         [](const std::string& s) { spdlog::warn("{}", s); }});
    worker.setAfterPass([&announced](bool) {
      if (!announced) announced = gatehouse::service::notifyReady("housekeeping");
      gatehouse::service::notifyWatchdog();
    });
    std::thread signals([&] {
      int sig = 0;
      sigwait(&stopSignals, &sig);
      if (sig != 0) worker.stop();
    });
    spdlog::info("housekeeping every {} ms", cfg->workerInterval.count());
    worker.run();
    pthread_kill(signals.native_handle(),
                 SIGTERM);  // wake the waiter if we stopped for another reason
    signals.join();
  } catch (const gatehouse::backend::Error& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return 0;
}
