// [devices.*] in kiosk.toml: every section read, defaults kept, typos and bad types refused.
#include "gatehouse/devices/config.hpp"

#include <gtest/gtest.h>

using namespace gatehouse::devices;

TEST(DevicesConfig, ReadsEverySection) {
  const char* toml = R"(
[kiosk]
name = "North gate"

[devices.camera]
driver = "v4l2"
device = "/dev/video2"
width = 1920
height = 1080
fps = 30
reconnect_ms = 500

[devices.scanner]
formats = ["qr"]
max_side = 720
roi_x = 0.25
roi_width = 0.5
roi_height = 1.0

[devices.photo]
min_sharpness = 55.5

[devices.usb]
wedge_devices = ["0c2e:0b61"]
relay_enabled = true
relay_channel = 2

[devices.printer]
queue = "badges"
server = "/tmp/cups.sock"
timeout_ms = 15000

[devices.badge]
size = "brother-ql-62x100"
accent_color = "#aa0000"
[devices.badge.labels]
title = "BESUCHER"
)";
  auto c = parseDevicesConfig(toml);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->camera.driver, "v4l2");
  EXPECT_EQ(c->camera.device, "/dev/video2");
  EXPECT_EQ(c->camera.width, 1920);
  EXPECT_DOUBLE_EQ(c->camera.fps, 30);
  EXPECT_EQ(c->camera.reconnectInterval, std::chrono::milliseconds(500));
  EXPECT_EQ(c->scanner.decode.formats, CodeFormats(CodeFormat::qr));
  EXPECT_EQ(c->scanner.decode.maxSide, 720);
  EXPECT_FLOAT_EQ(c->scanner.decode.roi.x, 0.25f);
  EXPECT_DOUBLE_EQ(c->photo.minSharpness, 55.5);
  ASSERT_EQ(c->usb.wedgeDevices.size(), 1u);
  EXPECT_TRUE(c->usb.relayEnabled);
  EXPECT_EQ(c->usb.relayChannel, 2);
  EXPECT_EQ(c->printer.server, "/tmp/cups.sock");
  EXPECT_EQ(c->printer.timeout, std::chrono::milliseconds(15000));
  EXPECT_EQ(c->badge.size, BadgeSize::brotherQl62x100);
  EXPECT_DOUBLE_EQ(c->badge.widthMm, 62);
  EXPECT_EQ(c->badge.accentColor, "#aa0000");
  EXPECT_EQ(c->badge.labels.title, "BESUCHER");
  EXPECT_EQ(c->badge.labels.host, "Visiting");  // default kept
}

TEST(DevicesConfig, DefaultsWhenAbsent) {
  auto c = parseDevicesConfig("[kiosk]\nname = 'x'\n");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->camera.driver, "simulated");
  EXPECT_EQ(c->printer.driver, "cups");
  EXPECT_EQ(c->badge.size, BadgeSize::cr80);
}

TEST(DevicesConfig, TyposAndWrongTypesAreErrors) {
  EXPECT_EQ(parseDevicesConfig("[devices.camera]\nfsp = 10\n").error().code, "bad_config");
  EXPECT_EQ(parseDevicesConfig("[devices.camera]\nfps = 'ten'\n").error().code, "bad_config");
  EXPECT_EQ(parseDevicesConfig("[devices.scanner]\nformats = ['qr', 'ean13']\n").error().code,
            "bad_config");
  EXPECT_EQ(parseDevicesConfig("[devices.badge]\nsize = 'letter'\n").error().code, "bad_config");
  EXPECT_EQ(parseDevicesConfig("[devices.camera\n").error().code, "bad_toml");
  EXPECT_EQ(loadDevicesConfig("/nonexistent.toml").error().code, "bad_config");
}

TEST(DevicesConfig, ReadsTheKiosksOneWordDevices) {
  auto c = parseDevicesConfig(
      "[devices]\ncamera = 'device:2'\nscanner = 'usb'\nprinter = 'cups:front'\n"
      "badge_dir = 'b'\ncamera_source = ''\n[devices.usb]\ndriver = 'simulated'\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->camera.driver, "v4l2");
  EXPECT_EQ(c->camera.device, "2");
  EXPECT_EQ(c->printer.driver, "cups");
  EXPECT_EQ(c->printer.queue, "front");
  EXPECT_EQ(c->usb.driver, "simulated");
  auto sim = parseDevicesConfig("[devices]\nprinter = 'simulated'\nbadge_dir = 'out'\n");
  ASSERT_TRUE(sim) << sim.error().message;
  EXPECT_EQ(sim->printer.driver, "file");
  EXPECT_EQ(sim->printer.directory, "out/printed");
}

TEST(DevicesConfig, BadOneWordDevicesAndUsbIdsAreNamed) {
  EXPECT_EQ(parseDevicesConfig("[devices]\ncamera = 'webcam'\n").error().message,
            "devices.camera must be \"simulated\", \"pattern\" or \"device:N\"");
  EXPECT_EQ(parseDevicesConfig("[devices]\nscanner = 'laser'\n").error().message,
            "devices.scanner must be \"camera\", \"usb\" or \"simulated\"");
  EXPECT_EQ(parseDevicesConfig("[devices]\nprinter = 'cups:'\n").error().code, "bad_config");
  EXPECT_EQ(parseDevicesConfig("[devices]\ncamera = 3\n").error().message,
            "devices.camera must be a string or a table");
  EXPECT_EQ(parseDevicesConfig("[devices.usb]\ndriver = 'hidraw'\n").error().code, "bad_config");
  EXPECT_EQ(parseDevicesConfig("[devices.usb]\nwedge_devices = ['0C2E:0B61']\n").error().message,
            "devices.usb.wedge_devices: \"0C2E:0B61\" is not a \"vvvv:pppp\" vendor:product id");
}

TEST(UsbIds, ParseLowercaseHexPairsOnly) {
  EXPECT_EQ(parseUsbId("0c2e:0b61"), (std::pair<std::uint16_t, std::uint16_t>{0x0c2e, 0x0b61}));
  EXPECT_FALSE(parseUsbId("0c2e-0b61"));
  EXPECT_FALSE(parseUsbId("c2e:0b61"));
  EXPECT_FALSE(parseUsbId("0c2e:0b6g"));
}
