// USB HID devices at the gate: barcode scanners (HID POS, usage page 0x8C, and keyboard-wedge
// scanners that type the code and press Enter) and the "USBRelay" HID relay board that opens a
// gate or turnstile. UsbTransport is the seam: libusb in production, FakeUsbTransport in tests
// (and in the kiosk's tests). libusb.h appears only in src/usb/libusb_transport.cpp.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/result.hpp"

namespace gatehouse::devices {

enum class HidKind { posScanner, keyboardWedge, relay, other };
const char* toString(HidKind k);

struct UsbDeviceInfo {
  std::uint16_t vendorId = 0;
  std::uint16_t productId = 0;
  std::string serial;
  std::string manufacturer;
  std::string product;
  std::string port;  // "bus-port.port...": where it is plugged in
  // Identity across unplug/replug: serial when the device has one, else the port it uses.
  std::string identity() const;
};

class UsbTransport {
 public:
  // Per device: attached, then its reports in order, then detached after its last report.
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void attached(int handle, const UsbDeviceInfo& info, HidKind kind) = 0;
    virtual void report(int handle, std::span<const std::uint8_t> data) = 0;
    virtual void detached(int handle) = 0;
    virtual void idle() {}  // called periodically from the transport's thread
  };
  virtual ~UsbTransport() = default;
  virtual Status start(Listener* listener) = 0;  // reports devices already present as attached
  virtual void stop() = 0;
  // HID SET_REPORT (feature) to a device: how relay boards are driven.
  virtual Status setFeatureReport(int handle, std::span<const std::uint8_t> report) = 0;
};

struct UsbConfig {
  std::string driver = "libusb";  // "libusb" | "none"
  // Keyboard-wedge scanners are keyboards: only these vendor:product ids are taken from the
  // kernel (a real keyboard must keep working). "0c2e:0b61" style.
  std::vector<std::string> wedgeDevices;
  bool relayEnabled = false;
  int relayChannel = 1;
  std::chrono::milliseconds relayPulse{800};
  // A scan cut by an unplug is kept this long for the same device to come back and finish it.
  std::chrono::milliseconds resumeWindow{3000};
  std::size_t maxScanLength = 4096;
};

// "0c2e:0b61" -> {0x0c2e, 0x0b61}; nullopt unless exactly four lowercase hex digits each side.
std::optional<std::pair<std::uint16_t, std::uint16_t>> parseUsbId(std::string_view id);

// Errors: usb_unavailable.
Result<std::unique_ptr<UsbTransport>> makeLibusbTransport(const UsbConfig& config);

// Every USB device on the bus, for the diagnostics CLI. Errors: usb_unavailable.
Result<std::vector<UsbDeviceInfo>> listUsbDevices();

struct UsbScan {
  std::string code;
  UsbDeviceInfo device;
  HidKind kind = HidKind::posScanner;
  std::string symbology;  // AIM identifier from HID POS ("]Q1", "]L2"), empty for wedges
  bool complete = true;   // false: a scan cut by an unplug whose device never came back
};

struct UsbDeviceEvent {
  bool attached = true;
  UsbDeviceInfo device;
  HidKind kind = HidKind::other;
};

// Reassembles scans from HID reports, tracks attach/detach, drives the relay. Thread-safe:
// the transport calls it from its thread, the kiosk from its own.
class UsbHub final : public UsbTransport::Listener {
 public:
  using ScanCallback = std::function<void(const UsbScan&)>;
  using DeviceCallback = std::function<void(const UsbDeviceEvent&)>;
  UsbHub(UsbTransport& transport, UsbConfig config, ScanCallback onScan,
         DeviceCallback onDevice = {}, const Clock& clock = SystemClock::instance());
  ~UsbHub() override;
  UsbHub(const UsbHub&) = delete;
  UsbHub& operator=(const UsbHub&) = delete;

  Status start();
  void stop();
  // Emits scans whose device did not return within the resume window (complete = false).
  void tick();

  std::vector<std::pair<UsbDeviceInfo, HidKind>> devices() const;
  // Relay board: channel on/off, or a pulse (on now, off after `duration`, from a worker).
  Status setRelay(int channel, bool on);
  Status pulseRelay(int channel, std::chrono::milliseconds duration);
  Status openGate();  // pulseRelay(config.relayChannel, config.relayPulse)

  // UsbTransport::Listener
  void attached(int handle, const UsbDeviceInfo& info, HidKind kind) override;
  void report(int handle, std::span<const std::uint8_t> data) override;
  void detached(int handle) override;
  void idle() override { tick(); }

 private:
  struct Device {
    UsbDeviceInfo info;
    HidKind kind = HidKind::other;
    std::string partial;
    std::string symbology;
    std::vector<std::uint8_t> keysDown;
  };
  struct Parked {
    std::string partial;
    std::string symbology;
    UsbDeviceInfo info;
    HidKind kind;
    Clock::time_point deadline;
  };
  void keyboardReport(Device& d, std::span<const std::uint8_t> data, std::vector<UsbScan>& out);
  void posReport(Device& d, std::span<const std::uint8_t> data, std::vector<UsbScan>& out);
  int relayHandle() const;

  UsbTransport& transport_;
  UsbConfig config_;
  ScanCallback onScan_;
  DeviceCallback onDevice_;
  const Clock& clock_;
  mutable std::mutex m_;
  std::map<int, Device> devices_;
  std::map<std::string, Parked> parked_;  // by device identity
  std::vector<std::thread> pulses_;
  bool started_ = false;
};

// An in-process USB bus for tests: plug, type, scan, unplug from the test thread.
class FakeUsbTransport final : public UsbTransport {
 public:
  Status start(Listener* listener) override;
  void stop() override;
  Status setFeatureReport(int handle, std::span<const std::uint8_t> report) override;

  int plug(const UsbDeviceInfo& info, HidKind kind);
  void send(int handle, std::vector<std::uint8_t> report);
  void unplug(int handle);
  std::vector<std::vector<std::uint8_t>> featureReports(int handle) const;

  // Report builders: keyboard boot reports typing `text` (+ Enter), HID POS scanned-data reports.
  static std::vector<std::vector<std::uint8_t>> keyboardReports(const std::string& text,
                                                                bool enter = true);
  static std::vector<std::vector<std::uint8_t>> posReports(const std::string& data,
                                                           const std::string& aim = "]Q1");

 private:
  mutable std::mutex m_;
  Listener* listener_ = nullptr;
  std::map<int, std::pair<UsbDeviceInfo, HidKind>> present_;
  std::map<int, std::vector<std::vector<std::uint8_t>>> features_;
  int next_ = 1;
};

}  // namespace gatehouse::devices
