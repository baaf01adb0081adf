// Builds the kiosk's devices by name from the config.
#include "kiosk_devices.hpp"

#include <cstdlib>

#include "gatehouse/core/clock.hpp"

namespace gatehouse::kiosk {
namespace {

Result<std::unique_ptr<KioskCamera>> makeCamera(const KioskConfig& cfg, const DeviceNeeds& needs,
                                                flow::EventQueue& events, DevicesCamera*& dc) {
  if (cfg.camera == "pattern")
    return std::unique_ptr<KioskCamera>(
        std::make_unique<PatternCamera>(events, needs.cameraWidth, needs.cameraHeight));
  devices::CameraConfig cc;
  cc.driver = cfg.camera == "simulated" ? "simulated" : "v4l2";
  if (cfg.camera.rfind("device:", 0) == 0) cc.device = cfg.camera.substr(7);
  cc.source = cfg.cameraSource.empty() ? cfg.assetsDir + "/sim/checkin" : cfg.cameraSource;
  cc.width = needs.cameraWidth;
  cc.height = needs.cameraHeight;
  auto made = DevicesCamera::create(events, cc);
  if (!made) return makeError("camera", "camera: " + made.error().message);
  dc = made.value().get();
  return std::unique_ptr<KioskCamera>(std::move(made).value());
}

Result<std::unique_ptr<DevicesPrinter>> makePrinter(const KioskConfig& cfg,
                                                    flow::EventQueue& events,
                                                    const ui::Translations& tr) {
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
  auto made = DevicesPrinter::create(events, ps, tr);
  if (!made) return makeError("printer", "printer: " + made.error().message);
  return std::move(made).value();
}

}  // namespace

Result<KioskDevices> makeDevices(const KioskConfig& cfg, const DeviceNeeds& needs,
                                 flow::EventQueue& events, const ui::Translations& tr,
                                 Outbox& outbox, BackendWorker& worker, SerialWorker& writer) {
  KioskDevices d;
  auto camera = makeCamera(cfg, needs, events, d.devicesCamera);
  if (!camera) return camera.error();
  d.camera = std::move(camera).value();
  auto printer = makePrinter(cfg, events, tr);
  if (!printer) return printer.error();
  d.printer = std::move(printer).value();
  if (cfg.usb.driver != "none") {
    auto made = KioskUsb::create(cfg.usb, events);
    if (!made) return makeError("usb", "usb: " + made.error().message);
    d.usb = std::move(made).value();
  }
  if (cfg.spokenPrompts) {
    d.audio = std::make_unique<AudioOut>();
    auto made =
        speech::makeEspeakSpeaker([a = d.audio.get()](const speech::Pcm& p) { a->play(p); });
    if (!made) return makeError("speech", "speech: " + made.error().message);
    d.speaker = std::move(made).value();
  }
  if (cfg.gate.enabled && d.usb) {
    d.gate = std::make_unique<RelayGate>(d.usb->hub(), cfg.gate, outbox, worker, writer,
                                         SystemClock::instance());
    worker.onCommand([g = d.gate.get()](const RemoteCommand& c) { g->openRemote(c); });
  }
  return d;
}

}  // namespace gatehouse::kiosk
