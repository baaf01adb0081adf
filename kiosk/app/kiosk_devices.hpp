// The kiosk's devices, built by name from the config: camera, badge printer, USB bus and gate.
#pragma once
#include <memory>

#include "audio_out.hpp"
#include "device_adapters.hpp"
#include "gatehouse/kiosk/config.hpp"
#include "gatehouse/kiosk/outbox.hpp"
#include "gatehouse/kiosk/sync.hpp"
#include "gatehouse/speech/speaker.hpp"
#include "local_devices.hpp"
#include "relay_gate.hpp"
#include "usb_devices.hpp"

namespace gatehouse::kiosk {

struct KioskDevices {
  std::unique_ptr<KioskCamera> camera;
  DevicesCamera* devicesCamera = nullptr;  // the camera when it is a devices:: one (scan modes)
  std::unique_ptr<DevicesPrinter> printer;
  std::unique_ptr<KioskUsb> usb;    // null: [devices.usb] driver = "none"
  std::unique_ptr<RelayGate> gate;  // null: no [gate] or no USB bus
  std::unique_ptr<AudioOut> audio;
  std::unique_ptr<speech::Speaker> speaker;  // null: [ui] spoken_prompts = false
  std::unique_ptr<speech::RecordingSpeaker> spoken =
      std::make_unique<speech::RecordingSpeaker>();  // every prompt given, for script checks
};

struct DeviceNeeds {
  int cameraWidth = 1280, cameraHeight = 720;
};

// Errors (message ready for stderr): camera, printer, usb, speech. A gate registers itself for the
// worker's remote "open" commands; its outbox events are committed on `writer`.
Result<KioskDevices> makeDevices(const KioskConfig& config, const DeviceNeeds& needs,
                                 flow::EventQueue& events, const ui::Translations& tr,
                                 Outbox& outbox, BackendWorker& worker, SerialWorker& writer);

}  // namespace gatehouse::kiosk
