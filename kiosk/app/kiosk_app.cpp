// The kiosk application's wiring: options and config, outbox and sync worker, devices, flow,
// window and script player; then the frame loop.
#include "kiosk_app.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "../ui/widgets.hpp"
#include "frame_loop.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/credentials.hpp"
#include "gatehouse/core/document_hash.hpp"
#include "gatehouse/flow/event_queue.hpp"
#include "gatehouse/flow/flow.hpp"
#include "gatehouse/kiosk/guard_pins.hpp"
#include "gatehouse/kiosk/outbox.hpp"
#include "gatehouse/kiosk/remote_kiosk.hpp"
#include "gatehouse/kiosk/sync.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/layout_report.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"
#include "kiosk_devices.hpp"
#include "options.hpp"
#include "script_commands.hpp"

#ifndef GATEHOUSE_VERSION
#define GATEHOUSE_VERSION "0.1.0"
#endif

namespace gatehouse::kiosk {
namespace {

using Steady = std::chrono::steady_clock;

int fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "gatehouse-kiosk: %s\n", message.c_str());
  return code;
}

// Give the outbox a moment to reach the database before quitting; what is left is sent next start.
void flushOutbox(Outbox& outbox, BackendWorker& worker) {
  const auto deadline = Steady::now() + std::chrono::seconds(5);
  while (worker.online() && outbox.depth() > 0 && Steady::now() < deadline) {
    worker.wake();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Document numbers become keyed hashes (the estate's pepper); without a pepper none is kept.
Result<std::string> documentPepper(const KioskConfig& cfg) {
  const std::string file = !cfg.documentPepperFile.empty()
                               ? cfg.documentPepperFile
                               : credentialPath(credential::kDocumentPepper);
  if (!file.empty()) return readDocumentPepper(file);
  std::fprintf(stderr, "gatehouse-kiosk: no document pepper: ID scans keep no document hash\n");
  return std::string();
}

flow::FlowConfig flowConfig(const KioskConfig& cfg) {
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
  return fc;
}

WorkerOptions workerOptions(const KioskConfig& cfg) {
  WorkerOptions wo;
  wo.heartbeatEvery = std::chrono::seconds(cfg.heartbeatSeconds);
  wo.version = GATEHOUSE_VERSION;
  wo.pushUrl = cfg.databaseUrl;  // decisions and guard commands wake the kiosk (0601_kiosk_push)
  wo.pushChannel = "gatehouse_kiosk_" + std::to_string(cfg.kioskId);
  return wo;
}

// Fonts and sizes follow the screen's short side (1080 is the design size; portrait too).
Status prepareWindow(const KioskConfig& cfg, const Options& opt) {
  const float scale = ui::displayScale(opt.width, opt.height);
  ui::setPixelsPerMillimetre(cfg.pxPerMm * scale);
  if (auto f = ui::loadFonts(scale); !f) return f.error();
  ui::applyTheme(*ui::themeFromString(cfg.theme));
  screens::setReachPolicy(cfg.reachMode == "on"    ? screens::ReachPolicy::On
                          : cfg.reachMode == "off" ? screens::ReachPolicy::Off
                                                   : screens::ReachPolicy::Toggle);
  return Ok{};
}

// --bench-preview: straight to the exit photo's live preview.
void openPreview(flow::Flow& flow) {
  flow.handle(flow::Event::connectivity(true));
  flow.handle(flow::Event::of(flow::EventKind::StartExit));
  flow.handle(flow::Event::withText(flow::EventKind::CodeScanned,
                                    ExitToken::generate(Uuid::random()).encode()));
}

}  // namespace

int runKiosk(int argc, char** argv) {
  BenchStats bench(Steady::now());
  int exitCode = 0;
  auto parsed = parseArgs(argc, argv, exitCode);
  if (!parsed) return exitCode;
  const Options opt = *parsed;
  auto loaded = loadKioskConfig(opt);
  if (!loaded) return fail(loaded.error().message);
  const KioskConfig cfg = loaded.value();
  auto script = opt.script.empty() ? std::vector<ui::ScriptLine>{} : ui::loadScript(opt.script);
  if (!script) return fail(script.error().message);
  if (!opt.screenshots.empty()) std::filesystem::create_directories(opt.screenshots);
  ui::Translations tr;
  if (auto s = loadTranslations(cfg, tr); !s) return fail(s.error().message);
  auto pepper = documentPepper(cfg);
  if (!pepper) return fail(pepper.error().message);

  auto outboxOpened = Outbox::open(cfg.outboxPath);
  if (!outboxOpened) return fail("outbox: " + outboxOpened.error().message);
  std::unique_ptr<Outbox> outbox = std::move(outboxOpened).value();
  if (int n = recoverUnfinishedVisits(*outbox))
    fail("recovered after a restart: " + std::to_string(n) + " unfinished visit(s) cancelled");

  flow::EventQueue events;
  BackendWorker worker(
      *outbox, events,
      [&cfg]() -> std::unique_ptr<Remote> {
        return connectKioskRemote(cfg.databaseUrl, cfg.kioskId, cfg.token);
      },
      workerOptions(cfg));
  // Slow work leaves the UI thread: outbox commits (one disk flush each) and PIN checks (Argon2id
  // or a server round trip), each on a thread of its own so a PIN check never delays a commit.
  SerialWorker outboxWriter, pinWorker;
  DeviceNeeds needs;
  if (opt.previewBench) needs = DeviceNeeds{opt.width, opt.height};
  auto made = makeDevices(cfg, needs, events, tr, *outbox, worker, outboxWriter);
  if (!made) return fail(made.error().message);
  KioskDevices devices = std::move(made).value();
  if (opt.bench && devices.devicesCamera) devices.devicesCamera->printMrzAttempts();

  OutboxVisitBackend backendPort(*outbox, worker, SystemClock::instance(), &outboxWriter);
  CachedPassTrust trust(*outbox);
  // A PIN is checked by the server while the worker is online, else from the cache.
  KioskGuardPins pins(*outbox,
                      connectPinCheck(cfg.databaseUrl, cfg.kioskId, cfg.token,
                                      [&worker] { return worker.online(); }),
                      SystemClock::instance(), [&backendPort](const std::string& details) {
                        backendPort.raiseAlert("pin_lockout", std::nullopt, details);
                      });
  GuardPinChecker pinChecker([&pins](const std::string& pin) { return pins.verify(pin); },
                             [&pins](bool online) { pins.connectivity(online); }, events,
                             pinWorker);
  flow::Flow flow(flow::Ports{&backendPort, &trust, devices.camera.get(), devices.printer.get(),
                              &pinChecker, devices.gate.get()},
                  SystemClock::instance(), flowConfig(cfg));

  auto window = ui::AppWindow::open({"Gatehouse kiosk", opt.width, opt.height, opt.mode});
  if (!window) return fail(window.error().message, 3);
  if (auto s = prepareWindow(cfg, opt); !s) return fail(s.error().message, 3);
  worker.start();

  ScriptCommands commands(
      ScriptTargets{flow, events, devices, *outbox, worker, opt.width, opt.height, &outboxWriter});
  std::optional<ui::ScriptPlayer> player;
  if (!opt.script.empty()) {
    ui::ScriptPlayer::Hooks hooks;
    hooks.screenName = [&] { return std::string(flow::toString(flow.state())); };
    hooks.command = [&](const ui::ScriptLine& line) { return commands.run(line); };
    player.emplace(script.value(), hooks);
    ui::LayoutReport::instance().setEnabled(true);  // expect-text reads what a frame drew
  }
  if (opt.previewBench) openPreview(flow);

  const LoopParts parts{opt,
                        cfg,
                        flow,
                        events,
                        tr,
                        devices,
                        worker,
                        *window.value(),
                        player ? &*player : nullptr,
                        bench,
                        pinChecker,
                        pepper.value()};
  const int result = runFrameLoop(parts);
  if (!opt.screenshots.empty())
    std::printf("screenshots: %s\n", std::filesystem::absolute(opt.screenshots).c_str());
  if (!devices.printer->lastFile().empty())
    std::printf("badge: %s\n", std::filesystem::absolute(devices.printer->lastFile()).c_str());
  if (opt.bench) bench.print(opt.width, opt.height);
  pinWorker.flush();  // a PIN approved in the last frame still writes its outbox event
  outboxWriter.flush();
  flushOutbox(*outbox, worker);
  worker.stop();
  return result;
}

}  // namespace gatehouse::kiosk
