// Device configuration: one plain struct per device, read from the [devices.*] tables of
// config/kiosk.toml (keys documented in docs/devices.md). Construct devices with the make*
// factories: makeCamera(cfg.camera), makePrinter(cfg.printer), makeLibusbTransport(cfg.usb)...
#pragma once
#include <string>
#include <string_view>

#include "gatehouse/core/result.hpp"
#include "gatehouse/devices/badge.hpp"
#include "gatehouse/devices/camera.hpp"
#include "gatehouse/devices/code_scanner.hpp"
#include "gatehouse/devices/photo_quality.hpp"
#include "gatehouse/devices/printer.hpp"
#include "gatehouse/devices/usb.hpp"

namespace gatehouse::devices {

struct DevicesConfig {
  CameraConfig camera;
  ScannerConfig scanner;
  PhotoQualityConfig photo;
  UsbConfig usb;
  PrinterConfig printer;
  BadgeLayout badge = layoutFor(BadgeSize::cr80);
};

// Reads the [devices] table of a whole TOML document; absent keys keep their defaults,
// unknown keys and wrong types are errors (a typo must not silently select a default).
// Errors: bad_toml, bad_config.
Result<DevicesConfig> parseDevicesConfig(std::string_view tomlDocument);
Result<DevicesConfig> loadDevicesConfig(const std::string& path);

}  // namespace gatehouse::devices
