// USB scanners and the relay board for the kiosk, real (libusb) or on a simulated in-process bus.
#include "usb_devices.hpp"

#include <nlohmann/json.hpp>

namespace gatehouse::kiosk {
namespace {

using devices::HidKind;
using devices::UsbDeviceInfo;

UsbDeviceInfo simulatedInfo(const std::string& device) {
  if (device == "relay") return {0x16c0, 0x05df, "", "www.dcttech.com", "USBRelay2", "1-1"};
  if (device == "wedge") return {0x0c2e, 0x0b61, "W1", "Honeywell", "Wedge scanner", "1-3"};
  return {0x05e0, 0x1200, "S1", "Zebra", "HID POS scanner", "1-2"};
}

HidKind simulatedKind(const std::string& device) {
  if (device == "relay") return HidKind::relay;
  if (device == "wedge") return HidKind::keyboardWedge;
  return HidKind::posScanner;
}

}  // namespace

Result<std::unique_ptr<KioskUsb>> KioskUsb::create(const devices::UsbConfig& config,
                                                   flow::EventQueue& events) {
  std::unique_ptr<KioskUsb> usb(new KioskUsb());
  if (config.driver == "simulated") {
    auto fake = std::make_unique<devices::FakeUsbTransport>();
    usb->fake_ = fake.get();
    usb->transport_ = std::move(fake);
  } else {
    auto real = devices::makeLibusbTransport(config);
    if (!real) return real.error();
    usb->transport_ = std::move(real).value();
  }
  KioskUsb* self = usb.get();
  usb->hub_ = std::make_unique<devices::UsbHub>(
      *usb->transport_, config, [self, &events](const devices::UsbScan& scan) {
        // A scan cut by an unplug whose scanner never came back is not a code: drop it.
        if (!scan.complete) return;
        {
          std::lock_guard lock(self->m_);
          ++self->scans_;
        }
        events.post(flow::Event::withText(flow::EventKind::CodeScanned, scan.code));
      });
  if (usb->fake_) {
    for (const char* d : {"relay", "scanner", "wedge"}) usb->plug(d);
  }
  if (auto s = usb->hub_->start(); !s) return s.error();
  return usb;
}

KioskUsb::~KioskUsb() {
  if (hub_) hub_->stop();
}

std::string KioskUsb::healthJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [info, kind] : hub_->devices()) {
    char id[16];
    std::snprintf(id, sizeof id, "%04x:%04x", info.vendorId, info.productId);
    list.push_back({{"kind", devices::toString(kind)}, {"id", id}, {"port", info.port}});
  }
  std::lock_guard lock(m_);
  return nlohmann::json{{"devices", list}, {"scans", scans_}}.dump();
}

bool KioskUsb::isScriptCommand(const std::string& c) {
  return c == "usb-scan" || c == "usb-wedge" || c == "usb-scan-replug" || c == "usb-unplug" ||
         c == "usb-plug" || c == "expect-relay";
}

int& KioskUsb::handleOf(const std::string& device) {
  if (device == "relay") return relay_;
  if (device == "wedge") return wedge_;
  return scanner_;
}

void KioskUsb::plug(const std::string& device) {
  int& h = handleOf(device);
  if (h < 0) h = fake_->plug(simulatedInfo(device), simulatedKind(device));
}

Status KioskUsb::scriptCommand(const std::string& command, const std::string& argument) {
  if (!fake_) return makeError("script", command + " needs [devices.usb] driver = \"simulated\"");
  auto send = [&](int handle, const std::vector<std::vector<std::uint8_t>>& reports,
                  std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to && i < reports.size(); ++i) fake_->send(handle, reports[i]);
  };
  if (command == "usb-scan" || command == "usb-wedge") {
    const bool wedge = command == "usb-wedge";
    const int h = wedge ? wedge_ : scanner_;
    if (h < 0) return makeError("script", "that scanner is unplugged");
    const auto reports = wedge ? devices::FakeUsbTransport::keyboardReports(argument)
                               : devices::FakeUsbTransport::posReports(argument);
    send(h, reports, 0, reports.size());
    return Ok{};
  }
  if (command == "usb-scan-replug") {  // the cable is pulled halfway through a scan, then back
    if (scanner_ < 0) return makeError("script", "the scanner is unplugged");
    const auto reports = devices::FakeUsbTransport::posReports(argument);
    const std::size_t half = reports.size() / 2;
    send(scanner_, reports, 0, half);
    fake_->unplug(scanner_);
    scanner_ = -1;
    plug("scanner");
    send(scanner_, reports, half, reports.size());
    return Ok{};
  }
  if (command == "usb-unplug" || command == "usb-plug") {
    if (argument != "relay" && argument != "scanner" && argument != "wedge")
      return makeError("script", "usb device is relay, scanner or wedge");
    int& h = handleOf(argument);
    if (command == "usb-plug") {
      plug(argument);
    } else if (h >= 0) {
      if (argument == "relay") {
        const auto r = fake_->featureReports(h);
        relayReports_.insert(relayReports_.end(), r.begin(), r.end());
      }
      fake_->unplug(h);
      h = -1;
    }
    return Ok{};
  }
  // expect-relay CHANNEL TIMES: the relay board was switched on for CHANNEL exactly TIMES times.
  int channel = 0, times = -1;
  if (std::sscanf(argument.c_str(), "%d %d", &channel, &times) != 2)
    return makeError("script", "expect-relay CHANNEL TIMES");
  auto reports = relayReports_;
  if (relay_ >= 0) {
    const auto r = fake_->featureReports(relay_);
    reports.insert(reports.end(), r.begin(), r.end());
  }
  int on = 0;
  for (const auto& r : reports)
    if (r.size() >= 2 && r[0] == 0xFF && r[1] == channel) ++on;
  if (on != times) {
    return makeError("script", "relay channel " + std::to_string(channel) + " switched on " +
                                   std::to_string(on) + " times, expected " +
                                   std::to_string(times));
  }
  return Ok{};
}

}  // namespace gatehouse::kiosk
