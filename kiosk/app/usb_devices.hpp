// The kiosk's USB bus: HID scanners feed the screens like the camera, the relay board opens the
// gate. driver "simulated" is an in-process bus (devices::FakeUsbTransport) with a scanner of each
// kind and a relay board, driven by script lines; the hub and everything above it are the real
// code.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gatehouse/devices/usb.hpp"
#include "gatehouse/flow/event_queue.hpp"

namespace gatehouse::kiosk {

class KioskUsb {
 public:
  // Errors: usb_unavailable (libusb could not start), bad_config.
  static Result<std::unique_ptr<KioskUsb>> create(const devices::UsbConfig& config,
                                                  flow::EventQueue& events);
  ~KioskUsb();
  KioskUsb(const KioskUsb&) = delete;
  KioskUsb& operator=(const KioskUsb&) = delete;

  devices::UsbHub& hub() { return *hub_; }
  // {"usb": [...devices...], "scans": n}: what is plugged in, for the heartbeat.
  std::string healthJson() const;
  // Script lines on the simulated bus: usb-scan TEXT, usb-wedge TEXT, usb-scan-replug TEXT,
  // usb-unplug relay|scanner|wedge, usb-plug relay|scanner|wedge, expect-relay CHANNEL TIMES.
  // Errors: script (not simulated, unknown device, expectation not met).
  Status scriptCommand(const std::string& command, const std::string& argument);
  static bool isScriptCommand(const std::string& command);

 private:
  KioskUsb() = default;
  int& handleOf(const std::string& device);
  void plug(const std::string& device);

  std::unique_ptr<devices::UsbTransport> transport_;
  devices::FakeUsbTransport* fake_ = nullptr;
  std::unique_ptr<devices::UsbHub> hub_;
  int relay_ = -1, scanner_ = -1, wedge_ = -1;
  std::vector<std::vector<std::uint8_t>> relayReports_;  // of unplugged boards, kept for expect
  mutable std::mutex m_;
  int scans_ = 0;
};

}  // namespace gatehouse::kiosk
