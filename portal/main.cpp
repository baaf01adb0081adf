// gatehouse-portal: reads config and flags, starts the portal, prints where it is, stops on a
// signal.
#include <spdlog/spdlog.h>
#include <time.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "gatehouse/core/logging.hpp"
#include "gatehouse/core/service_notify.hpp"
#include "gatehouse/portal/portal.hpp"

namespace {

void usage() {
  std::cout
      << "usage: gatehouse-portal [options]\n"
         "  --config PATH        TOML config (default config/portal.toml when present)\n"
         "  --address ADDR       listen address (default 127.0.0.1)\n"
         "  --port N             listen port (0 = any free port; default 8080)\n"
         "  --database-url URL   PostgreSQL URL, role gatehouse_server (or "
         "GATEHOUSE_DATABASE_URL)\n"
         "  --public-url URL     base URL used in emailed links\n"
         "  --web-root DIR       folder with the web page (default: the source tree's portal/web)\n"
         "  --tls-cert PEM       certificate chain; enables HTTPS\n"
         "  --tls-key PEM        private key\n"
         "  --smtp-url URL       smtp://host:port for email notifications\n"
         "  --vapid-key-file PEM Web Push key (or GATEHOUSE_VAPID_KEY_FILE); push is off without\n"
         "  --generate-vapid-key FILE  write a new Web Push key to FILE (0600), print its public "
         "key\n"
         "  --workers N          worker threads for blocking work (default 4)\n"
         "  --no-access-log      do not log each request\n"
         "  --demo               print the demo logins (seeded by gatehouse-admin seed-demo)\n";
}

// Feeds the watchdog from this loop, reloads TLS on SIGHUP, returns the stop signal.
int waitForStop(const sigset_t& set, gatehouse::portal::Portal& portal) {
  namespace svc = gatehouse::service;
  const auto ping = svc::watchdogInterval();
  for (;;) {
    int sig = 0;
    if (ping.count() > 0) {
      timespec timeout{static_cast<time_t>(ping.count() / 1000),
                       static_cast<long>((ping.count() % 1000) * 1000000)};
      sig = sigtimedwait(&set, nullptr, &timeout);
      svc::notifyWatchdog();
      if (sig < 0) continue;  // timeout (EAGAIN) or EINTR
    } else if (sigwait(&set, &sig) != 0) {
      continue;
    }
    if (sig != SIGHUP) return sig;
    svc::notifyReloading();
    std::string error;
    if (portal.reloadTls(error))
      spdlog::info("SIGHUP: TLS certificate reloaded");
    else
      spdlog::error("SIGHUP: TLS certificate not reloaded: {}", error);
    svc::notifyReady();
  }
}

// Applies the command line's options over the config; returns an exit code when it must stop.
std::optional<int> applyFlags(int argc, char** argv, gatehouse::portal::PortalConfig& cfg,
                              bool& demo) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "gatehouse-portal: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    try {
      if (a == "--config")
        next();
      else if (a == "--address")
        cfg.address = next();
      else if (a == "--port")
        cfg.port = static_cast<std::uint16_t>(std::stoi(next()));
      else if (a == "--database-url")
        cfg.databaseUrl = next();
      else if (a == "--public-url")
        cfg.publicUrl = next();
      else if (a == "--web-root")
        cfg.webRoot = next();
      else if (a == "--tls-cert")
        cfg.tlsCert = next();
      else if (a == "--tls-key")
        cfg.tlsKey = next();
      else if (a == "--smtp-url")
        cfg.smtpUrl = next();
      else if (a == "--vapid-key-file")
        cfg.vapidKeyFile = next();
      else if (a == "--workers")
        cfg.workerThreads = std::stoi(next());
      else if (a == "--no-access-log")
        cfg.accessLog = false;
      else if (a == "--demo")
        demo = true;
      else {
        std::cerr << "gatehouse-portal: unknown option " << a << "\n";
        usage();
        return 2;
      }
    } catch (const std::exception&) {
      std::cerr << "gatehouse-portal: bad value for " << a << "\n";
      return 2;
    }
  }
  return std::nullopt;
}

// Signals are taken synchronously by the main thread; the portal's threads never see them.
sigset_t blockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return set;
}

}  // namespace

int main(int argc, char** argv) {
  using gatehouse::portal::PortalConfig;
  std::string configPath = "config/portal.toml";
  bool explicitConfig = false, demo = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      configPath = argv[++i];
      explicitConfig = true;
    } else if (a == "--generate-vapid-key") {
      if (i + 1 >= argc) {
        std::cerr << "gatehouse-portal: --generate-vapid-key needs a file\n";
        return 2;
      }
      auto pub = gatehouse::portal::generateVapidKey(argv[i + 1]);
      if (!pub) {
        std::cerr << "gatehouse-portal: " << pub.error().message << "\n";
        return 1;
      }
      std::cout << pub.value() << "\n";
      return 0;
    } else if (a == "--help" || a == "-h") {
      usage();
      return 0;
    }
  }
  auto loaded = gatehouse::portal::loadConfig(configPath, explicitConfig);
  if (!loaded) {
    std::cerr << "gatehouse-portal: " << loaded.error().message << "\n";
    return 2;
  }
  PortalConfig cfg = loaded.value();
  gatehouse::portal::applyEnvironment(cfg);
  if (auto code = applyFlags(argc, argv, cfg, demo)) return *code;

  gatehouse::service::initLogging("gatehouse-portal");
  const sigset_t set = blockStopSignals();

  std::unique_ptr<gatehouse::portal::Portal> owned;
  try {
    owned = std::make_unique<gatehouse::portal::Portal>(cfg);
  } catch (const std::exception& e) {
    std::cerr << "gatehouse-portal: " << e.what() << "\n";
    return 2;
  }
  auto& portal = *owned;
  try {
    portal.start();
  } catch (const std::exception& e) {
    std::cerr << "gatehouse-portal: " << e.what() << "\n";
    return 1;
  }
  std::cout << "Gatehouse resident portal: " << portal.url() << "/" << std::endl;
  if (demo) {
    std::cout
        << "Demo logins (password gatehouse-demo): a-101@harbour.example, a-101.2@harbour.example "
           "(same household), b-210@harbour.example; any <unit>@harbour.example such as a-205."
        << std::endl;
  }
  gatehouse::service::notifyReady("serving " + portal.url());
  const int sig = waitForStop(set, portal);
  gatehouse::service::notifyStopping();
  spdlog::info("signal {}: shutting down (open requests may finish)", sig);
  portal.stop(std::chrono::seconds(10));
  return 0;
}
