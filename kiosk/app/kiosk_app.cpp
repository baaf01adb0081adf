// The kiosk frame loop: drain worker events into the flow, tick timeouts, draw the current screen.
#include "kiosk_app.hpp"

#include <imgui.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "../ui/screen.hpp"
#include "device_adapters.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/credentials.hpp"
#include "gatehouse/core/document_hash.hpp"
#include "gatehouse/core/install_paths.hpp"
#include "gatehouse/core/service_notify.hpp"
#include "gatehouse/flow/event_queue.hpp"
#include "gatehouse/flow/flow.hpp"
#include "gatehouse/kiosk/config.hpp"
#include "gatehouse/kiosk/guard_pins.hpp"
#include "gatehouse/kiosk/outbox.hpp"
#include "gatehouse/kiosk/remote_kiosk.hpp"
#include "gatehouse/kiosk/sync.hpp"
#include "gatehouse/ui/app_window.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/gl.hpp"
#include "gatehouse/ui/script.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"
#include "gatehouse/ui/translations.hpp"
#include "local_devices.hpp"
#include "relay_gate.hpp"
#include "usb_devices.hpp"

#ifndef GATEHOUSE_VERSION
#define GATEHOUSE_VERSION "0.1.0"
#endif

namespace gatehouse::kiosk {
namespace {

using Steady = std::chrono::steady_clock;

struct Options {
  std::string configPath = "config/kiosk.toml";
  ui::WindowMode mode = ui::WindowMode::Fullscreen;
  int width = 1920, height = 1080;
  std::string script;
  std::string screenshots;
  std::string theme, language, databaseUrl, outbox, badgeDir, assets, statusFile;
  int maxFrames = 0;  // 0 = unlimited
  int fps = 0;        // 0 = vsync (window) or 30 (offscreen)
  bool bench = false;
  bool previewBench = false;  // stay on the photo screen (live preview) for frame timing
};

void usage() {
  std::puts(
      "usage: gatehouse-kiosk [options]\n"
      "  --config FILE          kiosk configuration (default config/kiosk.toml)\n"
      "  --windowed             run in a window (development)\n"
      "  --offscreen            no display: SDL offscreen driver (also when "
      "SDL_VIDEODRIVER=offscreen)\n"
      "  --size WxH             window / offscreen size (default 1920x1080)\n"
      "  --script FILE          replay scripted touches (see docs/kiosk.md); exit when it ends\n"
      "  --screenshots DIR      save a PNG of every screen shown (and script 'screenshot' "
      "commands)\n"
      "  --theme NAME           light | dark | high_contrast (overrides the config)\n"
      "  --language CODE        start language (overrides the config)\n"
      "  --database-url URL     overrides the config and GATEHOUSE_DATABASE_URL\n"
      "  --outbox FILE          SQLite outbox path (overrides the config)\n"
      "  --badge-dir DIR        where the simulated printer writes badge PDFs\n"
      "  --assets DIR           assets folder (lang/*.json); default from the config\n"
      "  --status-file FILE     keep FILE updated with the current screen and connectivity (tests, "
      "monitoring)\n"
      "  --frames N             quit after N frames\n"
      "  --fps N                frame cap (default: vsync in a window, 30 offscreen)\n"
      "  --bench                print frame-time statistics, start-up time and memory as JSON at "
      "exit\n"
      "  --bench-preview        open the photo screen (live camera preview) for --bench\n"
      "  --version");
}

std::optional<Options> parseArgs(int argc, char** argv, int& exitCode) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "gatehouse-kiosk: %s needs a value\n", a.c_str());
        exitCode = 1;
        return {};
      }
      return argv[++i];
    };
    if (a == "--config")
      o.configPath = value();
    else if (a == "--windowed")
      o.mode = ui::WindowMode::Windowed;
    else if (a == "--offscreen")
      o.mode = ui::WindowMode::Offscreen;
    else if (a == "--fullscreen")
      o.mode = ui::WindowMode::Fullscreen;
    else if (a == "--size") {
      const std::string v = value();
      if (std::sscanf(v.c_str(), "%dx%d", &o.width, &o.height) != 2 || o.width < 320 ||
          o.height < 240) {
        std::fprintf(stderr, "gatehouse-kiosk: --size wants WxH, e.g. 1920x1080\n");
        exitCode = 1;
      }
    } else if (a == "--script")
      o.script = value();
    else if (a == "--screenshots")
      o.screenshots = value();
    else if (a == "--theme")
      o.theme = value();
    else if (a == "--language")
      o.language = value();
    else if (a == "--database-url")
      o.databaseUrl = value();
    else if (a == "--outbox")
      o.outbox = value();
    else if (a == "--badge-dir")
      o.badgeDir = value();
    else if (a == "--assets")
      o.assets = value();
    else if (a == "--status-file")
      o.statusFile = value();
    else if (a == "--frames")
      o.maxFrames = std::atoi(value().c_str());
    else if (a == "--fps")
      o.fps = std::atoi(value().c_str());
    else if (a == "--bench")
      o.bench = true;
    else if (a == "--bench-preview")
      o.previewBench = o.bench = true;
    else if (a == "--version") {
      std::puts("gatehouse-kiosk " GATEHOUSE_VERSION);
      exitCode = 0;
      return std::nullopt;
    } else if (a == "--help" || a == "-h") {
      usage();
      exitCode = 0;
      return std::nullopt;
    } else {
      std::fprintf(stderr, "gatehouse-kiosk: unknown option %s (try --help)\n", a.c_str());
      exitCode = 1;
    }
    if (exitCode) return std::nullopt;
  }
  return o;
}

long residentKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

bool needsPreview(flow::State s) {
  return s == flow::State::Photo || s == flow::State::ExitPhoto || s == flow::State::ScanPass ||
         s == flow::State::ScanBadge;
}

std::string readArgument(const std::string& arg) {
  if (!arg.empty() && arg[0] == '@') {
    std::ifstream in(arg.substr(1));
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
  }
  return arg;
}

void flushOutbox(Outbox* outbox, BackendWorker& worker) {
  const auto deadline = Steady::now() + std::chrono::seconds(5);
  while (worker.online() && outbox->depth() > 0 && Steady::now() < deadline) {
    worker.wake();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

int runKiosk(int argc, char** argv) {
  const auto started = Steady::now();
  int exitCode = 0;
  auto parsed = parseArgs(argc, argv, exitCode);
  if (!parsed) return exitCode;
  Options opt = *parsed;

  auto loaded = loadConfig(opt.configPath);
  if (!loaded) {
    std::fprintf(stderr, "gatehouse-kiosk: bad config: %s\n", loaded.error().message.c_str());
    return 1;
  }
  KioskConfig cfg = loaded.value();
  applyEnvironment(cfg);
  if (!opt.databaseUrl.empty()) cfg.databaseUrl = opt.databaseUrl;
  if (!opt.outbox.empty()) cfg.outboxPath = opt.outbox;
  if (!opt.badgeDir.empty()) cfg.badgeDir = opt.badgeDir;
  if (!opt.theme.empty()) cfg.theme = opt.theme;
  if (!opt.language.empty()) cfg.defaultLanguage = opt.language;
  const auto theme = ui::themeFromString(cfg.theme);
  if (!theme) {
    std::fprintf(stderr, "gatehouse-kiosk: unknown theme %s\n", cfg.theme.c_str());
    return 1;
  }
  std::vector<ui::ScriptLine> script;
  if (!opt.script.empty()) {
    auto s = ui::loadScript(opt.script);
    if (!s) {
      std::fprintf(stderr, "gatehouse-kiosk: %s\n", s.error().message.c_str());
      return 1;
    }
    script = s.value();
  }
  if (!opt.screenshots.empty()) std::filesystem::create_directories(opt.screenshots);

  // A relative assets folder is looked up from the working directory, then next to config/.
  if (std::filesystem::path(cfg.assetsDir).is_relative() &&
      !std::filesystem::exists(cfg.assetsDir)) {
    const auto besideConfig =
        std::filesystem::absolute(opt.configPath).parent_path().parent_path() / cfg.assetsDir;
    const auto inSource = std::filesystem::path(GATEHOUSE_SOURCE_DIR) / cfg.assetsDir;
    const auto installed = installedDataPath(cfg.assetsDir);  // a package's /usr/share/gatehouse
    if (std::filesystem::exists(besideConfig))
      cfg.assetsDir = besideConfig.string();
    else if (!installed.empty())
      cfg.assetsDir = installed;
    else if (std::filesystem::exists(inSource))
      cfg.assetsDir = inSource.string();
  }
  if (!opt.assets.empty()) cfg.assetsDir = opt.assets;

  ui::Translations tr;
  if (auto s = tr.loadDirectory(cfg.assetsDir + "/lang"); !s) {
    std::fprintf(stderr, "gatehouse-kiosk: translations: %s\n", s.error().message.c_str());
    return 1;
  }
  for (const auto& lang : cfg.languages) {
    if (!tr.strings(lang)) {
      std::fprintf(stderr, "gatehouse-kiosk: no %s/lang/%s.json for configured language\n",
                   cfg.assetsDir.c_str(), lang.c_str());
      return 1;
    }
  }

  // Document numbers become keyed hashes (the estate's pepper); without a pepper none is kept.
  std::string pepper;
  const std::string pepperFile = !cfg.documentPepperFile.empty()
                                     ? cfg.documentPepperFile
                                     : credentialPath(credential::kDocumentPepper);
  if (!pepperFile.empty()) {
    auto read = readDocumentPepper(pepperFile);
    if (!read) {
      std::fprintf(stderr, "gatehouse-kiosk: %s\n", read.error().message.c_str());
      return 1;
    }
    pepper = read.value();
  } else {
    std::fprintf(stderr, "gatehouse-kiosk: no document pepper: ID scans keep no document hash\n");
  }

  auto outboxOpened = Outbox::open(cfg.outboxPath);
  if (!outboxOpened) {
    std::fprintf(stderr, "gatehouse-kiosk: outbox: %s\n", outboxOpened.error().message.c_str());
    return 1;
  }
  std::unique_ptr<Outbox> outbox = std::move(outboxOpened).value();
  if (int n = recoverUnfinishedVisits(*outbox)) {
    std::fprintf(stderr,
                 "gatehouse-kiosk: recovered after a restart: %d unfinished visit(s) cancelled\n",
                 n);
  }

  flow::EventQueue events;
  WorkerOptions wo;
  wo.heartbeatEvery = std::chrono::seconds(cfg.heartbeatSeconds);
  wo.version = GATEHOUSE_VERSION;
  wo.pushUrl = cfg.databaseUrl;  // decisions and guard commands wake the kiosk (0601_kiosk_push)
  wo.pushChannel = "gatehouse_kiosk_" + std::to_string(cfg.kioskId);
  const std::string url = cfg.databaseUrl;
  BackendWorker worker(
      *outbox, events,
      [url, &cfg]() -> std::unique_ptr<Remote> {
        return connectKioskRemote(url, cfg.kioskId, cfg.token);
      },
      wo);

  // Devices by name from the config.
  std::unique_ptr<KioskCamera> camera;
  DevicesCamera* devicesCamera = nullptr;
  const int camW = opt.previewBench ? opt.width : 1280, camH = opt.previewBench ? opt.height : 720;
  if (cfg.camera == "pattern") {
    camera = std::make_unique<PatternCamera>(events, camW, camH);
  } else {
    devices::CameraConfig cc;
    cc.driver = cfg.camera == "simulated" ? "simulated" : "v4l2";
    if (cfg.camera.rfind("device:", 0) == 0) cc.device = cfg.camera.substr(7);
    cc.source = cfg.cameraSource.empty() ? cfg.assetsDir + "/sim/checkin" : cfg.cameraSource;
    cc.width = camW;
    cc.height = camH;
    auto made = DevicesCamera::create(events, cc);
    if (!made) {
      std::fprintf(stderr, "gatehouse-kiosk: camera: %s\n", made.error().message.c_str());
      return 1;
    }
    devicesCamera = made.value().get();
    camera = std::move(made).value();
  }
  PrinterSettings ps;
  ps.kioskName = cfg.name;
  ps.copyDir = cfg.badgeDir;
  if (cfg.printer == "simulated") {
    ps.printer.driver = "file";
    ps.printer.directory = cfg.badgeDir + "/printed";
  } else {
    ps.printer.driver = "cups";
    ps.printer.queue = cfg.printer.substr(5);
    if (const char* server = std::getenv("CUPS_SERVER")) ps.printer.server = server;
  }
  auto printerMade = DevicesPrinter::create(events, ps, tr);
  if (!printerMade) {
    std::fprintf(stderr, "gatehouse-kiosk: printer: %s\n", printerMade.error().message.c_str());
    return 1;
  }
  DevicesPrinter& printer = *printerMade.value();

  std::unique_ptr<KioskUsb> usb;
  if (cfg.usb.driver != "none") {
    auto made = KioskUsb::create(cfg.usb, events);
    if (!made) {
      std::fprintf(stderr, "gatehouse-kiosk: usb: %s\n", made.error().message.c_str());
      return 1;
    }
    usb = std::move(made).value();
  }
  std::unique_ptr<RelayGate> gate;
  if (cfg.gate.enabled && usb) {
    gate =
        std::make_unique<RelayGate>(usb->hub(), cfg.gate, *outbox, worker, SystemClock::instance());
    worker.onCommand([g = gate.get()](const RemoteCommand& c) { g->openRemote(c); });
  }

  OutboxVisitBackend backendPort(*outbox, worker, SystemClock::instance());
  CachedPassTrust trust(*outbox);
  // A PIN is checked by the server while the worker is online, else from the cache.
  KioskGuardPins pins(
      *outbox, connectPinCheck(url, cfg.kioskId, cfg.token, [&worker] { return worker.online(); }),
      SystemClock::instance(), [&backendPort](const std::string& details) {
        backendPort.raiseAlert("pin_lockout", std::nullopt, details);
      });
  flow::FlowConfig fc;
  fc.estateId = cfg.estateId;
  fc.utcOffsetSeconds = cfg.utcOffsetMinutes * 60;
  fc.idleTimeout = std::chrono::seconds(cfg.idleSeconds);
  fc.endScreenTimeout = std::chrono::seconds(cfg.endScreenSeconds);
  fc.approvalTimeout = std::chrono::seconds(cfg.approvalSeconds);
  fc.guardWaitTimeout = std::chrono::seconds(cfg.guardWaitSeconds);
  fc.defaultLanguage = cfg.defaultLanguage;
  fc.languages = cfg.languages;
  fc.gateWaitsForBadge = cfg.gate.waitForBadge;
  flow::Flow flow(flow::Ports{&backendPort, &trust, camera.get(), &printer, &pins, gate.get()},
                  SystemClock::instance(), fc);

  ui::WindowOptions wopt;
  wopt.title = "Gatehouse kiosk";
  wopt.width = opt.width;
  wopt.height = opt.height;
  wopt.mode = opt.mode;
  auto window = ui::AppWindow::open(wopt);
  if (!window) {
    std::fprintf(stderr, "gatehouse-kiosk: %s\n", window.error().message.c_str());
    return 3;
  }
  ui::setPixelsPerMillimetre(cfg.pxPerMm * static_cast<float>(std::min(opt.width, 1920)) / 1920.0f);
  if (auto f = ui::loadFonts(static_cast<float>(std::min(opt.width, 1920)) / 1920.0f); !f) {
    std::fprintf(stderr, "gatehouse-kiosk: %s\n", f.error().message.c_str());
    return 3;
  }
  ui::applyTheme(*theme);
  worker.start();

  screens::ScreenSet screenSet;
  // Two preview textures used in turn: uploading into the one the last frame did not draw from
  // keeps a software (or busy) GL from waiting for that frame to finish.
  ui::Texture previews[2], photo;
  int previewIndex = 0;
  RgbFrame frame;
  std::string previewHint;
  flow::State shown = flow::State::Welcome;
  bool firstOfState = true;
  bool statusOnline = false;
  int settleFrames = 0;
  int shotCounter = 0;
  std::vector<std::uint8_t> photoShown;

  std::optional<ui::ScriptPlayer> player;
  std::optional<Steady::time_point> waitDeadline;
  if (!opt.script.empty()) {
    ui::ScriptPlayer::Hooks hooks;
    hooks.screenName = [&] { return std::string(flow::toString(flow.state())); };
    hooks.command = [&](const ui::ScriptLine& line) -> Status {
      if (KioskUsb::isScriptCommand(line.command)) {
        if (!usb) return makeError("script", line.command + " needs [devices.usb]");
        // "@badge": the exit QR of the last badge this kiosk printed, held up to the scanner.
        if (line.argument == "@badge" && printer.lastExitQr().empty())
          return makeError("script", "no badge printed yet");
        return usb->scriptCommand(line.command, line.argument == "@badge"
                                                    ? printer.lastExitQr()
                                                    : readArgument(line.argument));
      }
      if (line.command == "scan") {
        events.post(
            flow::Event::withText(flow::EventKind::CodeScanned, readArgument(line.argument)));
        return Ok{};
      }
      if (line.command == "camera-fault") {
        camera->setFault(line.argument == "none" ? "" : line.argument);
        return Ok{};
      }
      if (line.command == "theme") {
        auto t = ui::themeFromString(line.argument);
        if (!t) return makeError("script", "unknown theme " + line.argument);
        ui::applyTheme(*t);
        return Ok{};
      }
      if (line.command == "scan-badge") {  // hold the last printed badge up to the camera
        if (printer.lastExitQr().empty()) return makeError("script", "no badge printed yet");
        events.post(flow::Event::withText(flow::EventKind::CodeScanned, printer.lastExitQr()));
        return Ok{};
      }
      // Waiting commands answer "again" until done, so frames (and the status file) keep going.
      auto waitFor = [&](bool done, double seconds, const std::string& what) -> Status {
        if (done) {
          waitDeadline.reset();
          return Ok{};
        }
        if (!waitDeadline)
          waitDeadline =
              Steady::now() + std::chrono::milliseconds(static_cast<long>(seconds * 1000));
        if (Steady::now() > *waitDeadline) {
          waitDeadline.reset();
          return makeError("script", "timed out waiting for " + what);
        }
        return makeError("again", what);
      };
      if (line.command ==
          "wait-cache") {  // pass keys and revocations are cached: passes can be checked
        return waitFor(outbox->get("estate_keys").has_value(), 30, "estate keys in the cache");
      }
      if (line.command == "wait-synced") {  // everything in the outbox has reached the database
        const double seconds = line.argument.empty() ? 60 : std::atof(line.argument.c_str());
        return waitFor(worker.online() && outbox->depth() == 0, seconds, "the outbox to drain");
      }
      if (line.command == "wait-id") {  // an ID document (MRZ, PDF417) filled "About you"
        const double seconds = line.argument.empty() ? 60 : std::atof(line.argument.c_str());
        return waitFor(!flow.session().visitor.documentType.empty(), seconds, "an ID document");
      }
      if (line.command == "expect-reason") {
        if (flow.session().reason != line.argument) {
          return makeError("script", "reason is \"" + flow.session().reason + "\", expected \"" +
                                         line.argument + "\"");
        }
        return Ok{};
      }
      if (line.command == "wait-file") {  // a test harness says it may go on
        std::istringstream args(line.argument);
        std::string file;
        double seconds = 60;
        args >> file >> seconds;
        return waitFor(std::filesystem::exists(file), seconds, file);
      }
      if (line.command == "wait-online") {
        if (!worker.online())
          return makeError("script", "not online");  // use wait-screen for waits
        return Ok{};
      }
      if (line.command == "expect-layout") {  // every touch target on screen and apart
        const auto problems = ui::TouchRegistry::instance().layoutProblems(
            ImVec2(static_cast<float>(opt.width), static_cast<float>(opt.height)));
        if (problems.empty()) return Ok{};
        std::string all;
        for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
        return makeError("script",
                         "layout on " + std::string(flow::toString(flow.state())) + ": " + all);
      }
      if (line.command == "print") {
        std::printf("%s\n", line.argument.c_str());
        std::fflush(stdout);
        return Ok{};
      }
      return makeError("script", "unknown command");
    };
    player.emplace(script, hooks);
  }
  if (opt.previewBench) {
    flow.handle(flow::Event::connectivity(true));
    flow.handle(flow::Event::of(flow::EventKind::StartExit));
    flow.handle(flow::Event::withText(flow::EventKind::CodeScanned,
                                      ExitToken::generate(Uuid::random()).encode()));
  }

  // Latency marks for --bench: when each of these events was first applied in the current visit.
  std::map<flow::EventKind, Steady::time_point> marks;
  std::vector<double> tapToJob, passToJob, passCheck;
  auto handle = [&](const flow::Event& e) {
    const auto outcome = flow.handle(e);
    if (!opt.bench || outcome != flow::Outcome::Applied) return;
    if (e.kind == flow::EventKind::StartPass || e.kind == flow::EventKind::StartWalkIn)
      marks.clear();
    marks.emplace(e.kind, Steady::now());
    auto ms = [&](flow::EventKind a, flow::EventKind b) {
      return std::chrono::duration<double, std::milli>(marks.at(b) - marks.at(a)).count();
    };
    if (e.kind == flow::EventKind::PassAccepted && marks.count(flow::EventKind::CodeScanned)) {
      passCheck.push_back(ms(flow::EventKind::CodeScanned, flow::EventKind::PassAccepted));
    }
    if (e.kind == flow::EventKind::PrintJobAccepted) {
      if (marks.count(flow::EventKind::PhotoAccepted))
        tapToJob.push_back(ms(flow::EventKind::PhotoAccepted, e.kind));
      if (marks.count(flow::EventKind::CodeScanned))
        passToJob.push_back(ms(flow::EventKind::CodeScanned, e.kind));
    }
  };

  const int fps =
      opt.fps > 0 ? opt.fps : (window.value()->mode() == ui::WindowMode::Offscreen ? 30 : 0);
  const auto framePeriod =
      fps > 0 ? std::chrono::microseconds(1'000'000 / fps) : std::chrono::microseconds(0);
  std::vector<double> frameMs;
  double firstFrameMs = -1;
  auto nextFrame = Steady::now();
  int frames = 0;
  auto lastHealth = Steady::now() - std::chrono::hours(1);
  int result = 0;

  std::vector<double> frameCpuMs;
  auto threadCpuMs = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  };
  service::LoopWatchdog watchdog;  // systemd restarts a kiosk whose frames stop
  while (window.value()->pollEvents()) {
    watchdog.beat();
    const auto frameStart = Steady::now();
    const double cpuStart = threadCpuMs();
    for (auto& e : events.drain()) {
      // The code reader does not know the screen: on the details screen a code is an ID document.
      if (e.kind == flow::EventKind::CodeScanned && flow.state() == flow::State::VisitorDetails) {
        if (auto v = visitorFromIdDocument(e.text, pepper)) {
          flow::Event id = flow::Event::of(flow::EventKind::IdScanned);
          id.visitor = *v;
          handle(id);
        }
        continue;
      }
      handle(e);
    }
    flow.tick();
    const flow::State state = flow.state();
    const bool online = flow.online();
    pins.connectivity(online);
    if (!opt.statusFile.empty() && (state != shown || firstOfState || online != statusOnline)) {
      statusOnline = online;
      const std::string tmp = opt.statusFile + ".tmp";
      std::ofstream(tmp) << flow::toString(state) << " " << (online ? "online" : "offline") << "\n";
      std::filesystem::rename(tmp, opt.statusFile);
    }
    if (state != shown || firstOfState) {
      if (opt.bench) {  // wall clock, so a benchmark can compare it with a database commit
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
        std::printf("state %s %lld\n", flow::toString(state), static_cast<long long>(us));
        std::fflush(stdout);
      }
      if (state == flow::State::Welcome) screenSet.resetAll();
      worker.setScreen(flow::toString(state));
      shown = state;
      firstOfState = false;
      settleFrames = 4;
    }
    tr.setLanguage(flow.session().language);
    if (devicesCamera && cfg.scanner == "camera") {
      devicesCamera->setScanMode(state == flow::State::ScanPass || state == flow::State::ScanBadge
                                     ? ScanMode::Qr
                                 : state == flow::State::VisitorDetails ? ScanMode::IdDocument
                                                                        : ScanMode::None);
    }
    if (needsPreview(state) && camera->latest(frame)) {
      previewIndex ^= 1;
      previews[previewIndex].update(frame.rgb.data(), frame.width, frame.height);
      previewHint = frame.hint;
    }
    if (state == flow::State::PhotoReview && photoShown != flow.session().photoJpeg) {
      photoShown = flow.session().photoJpeg;
      if (auto img = decodeJpeg(photoShown)) photo.update(img->rgb.data(), img->width, img->height);
    }
    if (state == flow::State::Welcome && !photoShown.empty()) {
      std::fill(photoShown.begin(), photoShown.end(), std::uint8_t{0});
      photoShown.clear();
    }
    if (Steady::now() - lastHealth > std::chrono::seconds(1)) {
      lastHealth = Steady::now();
      worker.setHealth(
          nlohmann::json{{"camera", camera->health()},
                         {"printer", printer.health()},
                         {"scanner", "ok"},
                         {"usb", usb ? nlohmann::json::parse(usb->healthJson()) : nlohmann::json()},
                         {"online", worker.online()}}
              .dump());
    }

    window.value()->beginFrame();
    if (player) player->beforeNewFrame();
    ImGui::NewFrame();
    screens::ScreenContext ctx{flow, tr, [&](flow::Event e) { handle(e); }};
    const ui::Texture& preview = previews[previewIndex];
    ctx.preview = needsPreview(state) && preview.valid() ? &preview : nullptr;
    ctx.previewHint = previewHint;
    ctx.photo = &photo;
    ctx.estateName = cfg.name;
    ctx.gateDirections = gate ? cfg.gate.directions : std::string();
    ctx.hasGate = gate != nullptr;
    ctx.printProgress = printer.progress();
    ctx.seconds =
        std::chrono::duration<double>(SystemClock::instance().now() - flow.stateEnteredAt())
            .count();
    screenSet.forState(state).draw(ctx);

    std::string shot;
    if (player) shot = player->afterFrame();
    std::string path;
    if (!opt.screenshots.empty()) {
      if (!shot.empty()) {
        char name[32];
        std::snprintf(name, sizeof name, "%02d-", ++shotCounter);
        path = opt.screenshots + "/" + name + shot + ".png";
      } else if (settleFrames > 0 && --settleFrames == 0) {
        char name[32];
        std::snprintf(name, sizeof name, "%02d-", ++shotCounter);
        path = opt.screenshots + "/" + name + flow::toString(state) + ".png";
      }
    }
    if (auto s = window.value()->endFrame(path); !s)
      std::fprintf(stderr, "gatehouse-kiosk: %s\n", s.error().message.c_str());
    const double ms = std::chrono::duration<double, std::milli>(Steady::now() - frameStart).count();
    if (firstFrameMs < 0)
      firstFrameMs = std::chrono::duration<double, std::milli>(Steady::now() - started).count();
    if (frames > 10) {
      frameMs.push_back(ms);
      frameCpuMs.push_back(threadCpuMs() - cpuStart);
    }
    ++frames;
    if (player && player->failed()) {
      std::fprintf(stderr, "gatehouse-kiosk: %s\n", player->error().c_str());
      result = 2;
      break;
    }
    if (player && player->finished()) break;
    if (opt.maxFrames > 0 && frames >= opt.maxFrames) break;
    if (framePeriod.count() > 0) {
      nextFrame += framePeriod;
      const auto now = Steady::now();
      if (nextFrame < now) nextFrame = now;
      std::this_thread::sleep_until(nextFrame);  // frame pacing, not synchronisation
    }
  }
  if (!opt.screenshots.empty())
    std::printf("screenshots: %s\n", std::filesystem::absolute(opt.screenshots).c_str());
  if (!printer.lastFile().empty())
    std::printf("badge: %s\n", std::filesystem::absolute(printer.lastFile()).c_str());
  if (opt.bench && !frameMs.empty()) {
    auto pct = [](std::vector<double> v, double p) {
      if (v.empty()) return -1.0;
      std::sort(v.begin(), v.end());
      return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
    };
    nlohmann::json j{{"frames", frameMs.size()},
                     {"size", std::to_string(opt.width) + "x" + std::to_string(opt.height)},
                     {"frame_wall_ms_p50", pct(frameMs, 0.5)},
                     {"frame_wall_ms_p99", pct(frameMs, 0.99)},
                     {"frame_cpu_ms_p50", pct(frameCpuMs, 0.5)},
                     {"frame_cpu_ms_p99", pct(frameCpuMs, 0.99)},
                     {"first_frame_ms", firstFrameMs},
                     {"rss_kib", residentKiB()}};
    if (!tapToJob.empty()) j["tap_to_job_accepted_ms_p50"] = pct(tapToJob, 0.5);
    if (!passToJob.empty()) j["pass_shown_to_job_accepted_ms_p50"] = pct(passToJob, 0.5);
    if (!passCheck.empty()) j["pass_check_ms_p50"] = pct(passCheck, 0.5);
    j["visits"] = tapToJob.size();
    std::printf("bench: %s\n", j.dump().c_str());
  }
  // Give the outbox a moment to reach the database before quitting; what is left is sent next
  // start.
  flushOutbox(outbox.get(), worker);
  worker.stop();
  return result;
}

}  // namespace gatehouse::kiosk
