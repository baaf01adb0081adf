// USB scanners and relay through the in-process fake transport: scans reassembled, never lost
// or split across an unplug, hotplug events, relay pulses; and libusb starting with no devices.
#include "gatehouse/devices/usb.hpp"

#include <gtest/gtest.h>

#include "gatehouse/testing/wait.hpp"

using namespace gatehouse;
using namespace gatehouse::devices;

namespace {

UsbDeviceInfo scannerInfo(const std::string& serial = "SN1") {
  UsbDeviceInfo i;
  i.vendorId = 0x0c2e;
  i.productId = 0x0b61;
  i.serial = serial;
  i.product = "Barcode scanner";
  i.port = "1-2";
  return i;
}

struct Recorder {
  std::mutex m;
  std::vector<UsbScan> scans;
  std::vector<std::string> log;  // scans and device events in order
  UsbHub::ScanCallback scanCb() {
    return [this](const UsbScan& s) {
      std::lock_guard lock(m);
      scans.push_back(s);
      log.push_back("scan:" + s.code);
    };
  }
  UsbHub::DeviceCallback deviceCb() {
    return [this](const UsbDeviceEvent& e) {
      std::lock_guard lock(m);
      log.push_back(std::string(e.attached ? "attach:" : "detach:") + e.device.serial);
    };
  }
};

void sendAll(FakeUsbTransport& bus, int h, const std::vector<std::vector<std::uint8_t>>& reports) {
  for (const auto& r : reports) bus.send(h, r);
}

}  // namespace

TEST(UsbScanner, KeyboardWedgeTypingBecomesOneCodeOnEnter) {
  FakeUsbTransport bus;
  Recorder rec;
  UsbHub hub(bus, UsbConfig{}, rec.scanCb(), rec.deviceCb());
  ASSERT_TRUE(hub.start());
  const int h = bus.plug(scannerInfo(), HidKind::keyboardWedge);
  const std::string code = "GHX1:AAbb-Zz_09+/=";
  sendAll(bus, h, FakeUsbTransport::keyboardReports(code));
  sendAll(bus, h, FakeUsbTransport::keyboardReports("SECOND"));
  ASSERT_EQ(rec.scans.size(), 2u);
  EXPECT_EQ(rec.scans[0].code, code);
  EXPECT_EQ(rec.scans[1].code, "SECOND");
  EXPECT_EQ(rec.scans[0].kind, HidKind::keyboardWedge);
  EXPECT_TRUE(rec.scans[0].complete);
}

TEST(UsbScanner, HeldKeysAreTypedOnceRolloverIsHandled) {
  FakeUsbTransport bus;
  Recorder rec;
  UsbHub hub(bus, UsbConfig{}, rec.scanCb());
  ASSERT_TRUE(hub.start());
  const int h = bus.plug(scannerInfo(), HidKind::keyboardWedge);
  bus.send(h, {0, 0, 0x04, 0, 0, 0, 0, 0});     // a down
  bus.send(h, {0, 0, 0x04, 0x05, 0, 0, 0, 0});  // a still down, b down
  bus.send(h, {0, 0, 0x05, 0, 0, 0, 0, 0});     // a up
  bus.send(h, {0, 0, 0, 0, 0, 0, 0, 0});
  bus.send(h, {0, 0, 0x28, 0, 0, 0, 0, 0});  // Enter
  ASSERT_EQ(rec.scans.size(), 1u);
  EXPECT_EQ(rec.scans[0].code, "ab");
}

TEST(UsbScanner, HidPosReportsAreJoinedWithTheirSymbology) {
  FakeUsbTransport bus;
  Recorder rec;
  UsbHub hub(bus, UsbConfig{}, rec.scanCb());
  ASSERT_TRUE(hub.start());
  const int h = bus.plug(scannerInfo(), HidKind::posScanner);
  std::string licence = "@\n\x1e\rANSI 636014090002DL00410100DLDAQD1234567\nDCSSAMPLE\nDACANNA\n";
  while (licence.size() < 150) licence += "DCFX\n";
  const auto reports = FakeUsbTransport::posReports(licence, "]L2");
  ASSERT_EQ(reports.size(), 3u);
  sendAll(bus, h, reports);
  ASSERT_EQ(rec.scans.size(), 1u);
  EXPECT_EQ(rec.scans[0].code, licence);
  EXPECT_EQ(rec.scans[0].symbology, "]L2");
}

TEST(UsbScanner, TwoScannersDoNotMixTheirScans) {
  FakeUsbTransport bus;
  Recorder rec;
  UsbHub hub(bus, UsbConfig{}, rec.scanCb());
  ASSERT_TRUE(hub.start());
  const int a = bus.plug(scannerInfo("A"), HidKind::keyboardWedge);
  const int b = bus.plug(scannerInfo("B"), HidKind::keyboardWedge);
  const auto ra = FakeUsbTransport::keyboardReports("AAAA");
  const auto rb = FakeUsbTransport::keyboardReports("bbbb");
  for (std::size_t i = 0; i < ra.size(); ++i) {
    bus.send(a, ra[i]);
    bus.send(b, rb[i]);
  }
  ASSERT_EQ(rec.scans.size(), 2u);
  EXPECT_EQ(rec.scans[0].code, "AAAA");
  EXPECT_EQ(rec.scans[0].device.serial, "A");
  EXPECT_EQ(rec.scans[1].code, "bbbb");
}

TEST(UsbScanner, AScanInterruptedByAnUnplugIsCompletedAfterReplugNotSplit) {
  FakeUsbTransport bus;
  Recorder rec;
  ManualClock clock;
  UsbHub hub(bus, UsbConfig{}, rec.scanCb(), rec.deviceCb(), clock);
  ASSERT_TRUE(hub.start());
  int h = bus.plug(scannerInfo(), HidKind::posScanner);
  const std::string code(120, 'Q');
  const auto reports = FakeUsbTransport::posReports(code);
  bus.send(h, reports[0]);
  bus.unplug(h);
  clock.advance(std::chrono::seconds(1));
  hub.tick();
  EXPECT_TRUE(rec.scans.empty());  // parked, not emitted half-done
  h = bus.plug(scannerInfo(), HidKind::posScanner);
  bus.send(h, reports[1]);
  bus.send(h, reports[2]);
  ASSERT_EQ(rec.scans.size(), 1u);
  EXPECT_EQ(rec.scans[0].code, code);
  EXPECT_TRUE(rec.scans[0].complete);
  EXPECT_EQ(rec.log,
            (std::vector<std::string>{"attach:SN1", "detach:SN1", "attach:SN1", "scan:" + code}));
}

TEST(UsbScanner, AScanWhoseScannerNeverReturnsIsDeliveredIncompleteNotLost) {
  FakeUsbTransport bus;
  Recorder rec;
  ManualClock clock;
  UsbConfig cfg;
  cfg.resumeWindow = std::chrono::seconds(3);
  UsbHub hub(bus, cfg, rec.scanCb(), rec.deviceCb(), clock);
  ASSERT_TRUE(hub.start());
  const int h = bus.plug(scannerInfo(), HidKind::keyboardWedge);
  sendAll(bus, h, FakeUsbTransport::keyboardReports("DONE"));
  sendAll(bus, h, FakeUsbTransport::keyboardReports("HALF", false));
  bus.unplug(h);
  const int other = bus.plug(scannerInfo("OTHER"), HidKind::keyboardWedge);  // not the same scanner
  sendAll(bus, other, FakeUsbTransport::keyboardReports("X"));
  clock.advance(std::chrono::milliseconds(2999));
  hub.tick();
  ASSERT_EQ(rec.scans.size(), 2u);
  clock.advance(std::chrono::milliseconds(2));
  hub.tick();
  ASSERT_EQ(rec.scans.size(), 3u);
  EXPECT_EQ(rec.scans[2].code, "HALF");
  EXPECT_FALSE(rec.scans[2].complete);
  // The complete scan was delivered before the device went away.
  EXPECT_EQ(rec.log[0], "attach:SN1");
  EXPECT_EQ(rec.log[1], "scan:DONE");
  EXPECT_EQ(rec.log[2], "detach:SN1");
}

TEST(UsbScanner, OverlongInputIsBounded) {
  FakeUsbTransport bus;
  Recorder rec;
  UsbConfig cfg;
  cfg.maxScanLength = 16;
  UsbHub hub(bus, cfg, rec.scanCb());
  ASSERT_TRUE(hub.start());
  const int h = bus.plug(scannerInfo(), HidKind::keyboardWedge);
  sendAll(bus, h, FakeUsbTransport::keyboardReports(std::string(100, 'z')));
  bus.send(h, {1, 2, 3});  // short garbage report
  ASSERT_EQ(rec.scans.size(), 1u);
  EXPECT_EQ(rec.scans[0].code.size(), 16u);
}

TEST(UsbRelay, PulseSwitchesTheChannelOnThenOff) {
  FakeUsbTransport bus;
  Recorder rec;
  UsbConfig cfg;
  cfg.relayEnabled = true;
  cfg.relayChannel = 2;
  cfg.relayPulse = std::chrono::milliseconds(20);
  UsbHub hub(bus, cfg, rec.scanCb());
  ASSERT_TRUE(hub.start());
  EXPECT_EQ(hub.openGate().error().code, "no_relay");
  UsbDeviceInfo relay;
  relay.vendorId = 0x16c0;
  relay.productId = 0x05df;
  relay.port = "1-3";
  const int h = bus.plug(relay, HidKind::relay);
  ASSERT_TRUE(hub.openGate());
  ASSERT_TRUE(gatehouse::testing::waitUntil([&] { return bus.featureReports(h).size() >= 2; }));
  const auto reports = bus.featureReports(h);
  EXPECT_EQ(reports[0], (std::vector<std::uint8_t>{0xFF, 2, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(reports[1], (std::vector<std::uint8_t>{0xFD, 2, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(hub.setRelay(9, true).error().code, "bad_channel");
}

TEST(UsbLibusb, StartsAndStopsWithNoDevices) {
  auto transport = makeLibusbTransport(UsbConfig{});
  ASSERT_TRUE(transport) << transport.error().message;
  Recorder rec;
  UsbHub hub(*transport.value(), UsbConfig{}, rec.scanCb());
  ASSERT_TRUE(hub.start());
  hub.stop();
  EXPECT_TRUE(rec.scans.empty());
  auto list = listUsbDevices();
  EXPECT_TRUE(list) << list.error().message;
}
