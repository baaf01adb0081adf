// [devices.*] tables of kiosk.toml -> DevicesConfig, strictly (unknown keys are errors).
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "gatehouse/devices/config_toml.hpp"

namespace gatehouse::devices {
namespace {

class Reader {
 public:
  Reader(const toml::table* t, std::string section) : t_(t), section_(std::move(section)) {}

  template <typename T>
  void get(const char* key, T& out) {
    seen_.insert(key);
    if (!t_ || !error_.empty()) return;
    const toml::node* n = t_->get(key);
    if (!n) return;
    if constexpr (std::is_same_v<T, bool>) {
      if (auto v = n->value<bool>())
        out = *v;
      else
        fail(key, "a boolean");
    } else if constexpr (std::is_integral_v<T>) {
      if (auto v = n->value<std::int64_t>())
        out = static_cast<T>(*v);
      else
        fail(key, "an integer");
    } else if constexpr (std::is_floating_point_v<T>) {
      if (auto v = n->value<double>())
        out = *v;
      else
        fail(key, "a number");
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (auto v = n->value<std::string>())
        out = *v;
      else
        fail(key, "a string");
    } else if constexpr (std::is_same_v<T, std::chrono::milliseconds>) {
      if (auto v = n->value<std::int64_t>())
        out = std::chrono::milliseconds(*v);
      else
        fail(key, "milliseconds");
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      const toml::array* a = n->as_array();
      if (!a) return fail(key, "an array of strings");
      out.clear();
      for (const auto& e : *a) {
        if (auto v = e.value<std::string>())
          out.push_back(*v);
        else
          return fail(key, "an array of strings");
      }
    }
  }

  const toml::table* sub(const char* key) {
    seen_.insert(key);
    return t_ ? t_->get_as<toml::table>(key) : nullptr;
  }

  // The kiosk's one-word form of a device ("camera = \"simulated\""), when not a table.
  std::optional<std::string> shorthand(const char* key) {
    seen_.insert(key);
    if (!t_ || !error_.empty()) return std::nullopt;
    const toml::node* n = t_->get(key);
    if (!n || n->is_table()) return std::nullopt;
    if (auto v = n->value<std::string>()) return *v;
    fail(key, "a string or a table");
    return std::nullopt;
  }

  // Call after every get(): reports keys the section does not know.
  std::string finish() {
    if (!error_.empty() || !t_) return error_;
    for (const auto& [k, v] : *t_)
      if (!seen_.count(std::string(k.str())))
        return "unknown key " + section_ + "." + std::string(k.str());
    return {};
  }

 private:
  void fail(const char* key, const char* what) {
    error_ = section_ + "." + key + " must be " + what;
  }
  const toml::table* t_;
  std::string section_;
  std::set<std::string> seen_;
  std::string error_;
};

// config/kiosk.toml names its camera, scanner and printer in one word (the kiosk's keys, see
// docs/kiosk.md); the same file must work for gatehouse-devices, so those words map onto tables.
std::string applyShorthand(Reader& top, DevicesConfig& c) {
  std::string badgeDir;
  top.get("badge_dir", badgeDir);
  if (auto cam = top.shorthand("camera")) {
    if (*cam == "simulated" || *cam == "pattern") {
      c.camera.driver = "simulated";
    } else if (cam->rfind("device:", 0) == 0) {
      c.camera.driver = "v4l2";
      c.camera.device = cam->substr(7);
    } else {
      return "devices.camera must be \"simulated\", \"pattern\" or \"device:N\"";
    }
  }
  std::string source;
  top.get("camera_source", source);
  if (!source.empty()) c.camera.source = source;
  if (auto scanner = top.shorthand("scanner")) {
    if (*scanner != "camera" && *scanner != "simulated" && *scanner != "usb")
      return "devices.scanner must be \"camera\", \"usb\" or \"simulated\"";
  }
  if (auto printer = top.shorthand("printer")) {
    if (*printer == "simulated") {
      c.printer.driver = "file";
      c.printer.directory = (badgeDir.empty() ? std::string("badges") : badgeDir) + "/printed";
    } else if (printer->rfind("cups:", 0) == 0 && printer->size() > 5) {
      c.printer.driver = "cups";
      c.printer.queue = printer->substr(5);
    } else {
      return "devices.printer must be \"simulated\" or \"cups:QUEUE\"";
    }
  }
  return {};
}

std::string readCamera(Reader& top, CameraConfig& cam) {
  Reader r(top.sub("camera"), "devices.camera");
  r.get("driver", cam.driver);
  r.get("device", cam.device);
  r.get("source", cam.source);
  r.get("width", cam.width);
  r.get("height", cam.height);
  r.get("fps", cam.fps);
  r.get("mjpg", cam.mjpg);
  r.get("buffer_size", cam.bufferSize);
  r.get("reconnect_ms", cam.reconnectInterval);
  return r.finish();
}

std::string readScanner(Reader& top, ScannerConfig& scanner) {
  Reader r(top.sub("scanner"), "devices.scanner");
  std::vector<std::string> formats;
  r.get("formats", formats);
  if (!formats.empty()) {
    std::string joined;
    for (const auto& f : formats) joined += f + ",";
    auto parsed = parseCodeFormats(joined);
    if (!parsed) return "devices.scanner.formats: " + parsed.error().message;
    scanner.decode.formats = parsed.value();
  }
  r.get("max_side", scanner.decode.maxSide);
  double roi[4] = {0, 0, 0, 0};
  r.get("roi_x", roi[0]);
  r.get("roi_y", roi[1]);
  r.get("roi_width", roi[2]);
  r.get("roi_height", roi[3]);
  scanner.decode.roi = cv::Rect2f(static_cast<float>(roi[0]), static_cast<float>(roi[1]),
                                  static_cast<float>(roi[2]), static_cast<float>(roi[3]));
  r.get("forget_after_frames", scanner.forgetAfterFrames);
  return r.finish();
}

std::string readPhoto(Reader& top, PhotoQualityConfig& photo) {
  Reader r(top.sub("photo"), "devices.photo");
  r.get("cascade", photo.cascade);
  r.get("min_face_fraction", photo.minFaceFraction);
  r.get("min_sharpness", photo.minSharpness);
  r.get("min_brightness", photo.minBrightness);
  r.get("detect_width", photo.detectWidth);
  return r.finish();
}

std::string readUsb(Reader& top, UsbConfig& usb) {
  Reader r(top.sub("usb"), "devices.usb");
  r.get("driver", usb.driver);
  r.get("wedge_devices", usb.wedgeDevices);
  r.get("relay_enabled", usb.relayEnabled);
  r.get("relay_channel", usb.relayChannel);
  r.get("relay_pulse_ms", usb.relayPulse);
  r.get("resume_window_ms", usb.resumeWindow);
  r.get("max_scan_length", usb.maxScanLength);
  if (auto err = r.finish(); !err.empty()) return err;
  if (usb.driver != "libusb" && usb.driver != "simulated" && usb.driver != "none")
    return "devices.usb.driver must be \"libusb\", \"simulated\" or \"none\"";
  for (const auto& id : usb.wedgeDevices) {
    if (!parseUsbId(id))
      return "devices.usb.wedge_devices: \"" + id + "\" is not a \"vvvv:pppp\" vendor:product id";
  }
  return {};
}

std::string readPrinter(Reader& top, PrinterConfig& printer) {
  Reader r(top.sub("printer"), "devices.printer");
  r.get("driver", printer.driver);
  r.get("queue", printer.queue);
  r.get("server", printer.server);
  r.get("directory", printer.directory);
  r.get("timeout_ms", printer.timeout);
  r.get("poll_ms", printer.pollInterval);
  return r.finish();
}

std::string readBadge(Reader& top, BadgeLayout& layout) {
  Reader r(top.sub("badge"), "devices.badge");
  std::string size = std::string(toString(layout.size));
  r.get("size", size);
  auto bs = badgeSizeFromString(size);
  if (!bs) return "devices.badge.size: " + bs.error().message;
  layout = layoutFor(bs.value());
  r.get("width_mm", layout.widthMm);
  r.get("height_mm", layout.heightMm);
  r.get("margin_mm", layout.marginMm);
  r.get("font", layout.fontFamily);
  r.get("name_max_pt", layout.nameMaxPt);
  r.get("name_min_pt", layout.nameMinPt);
  r.get("name_max_lines", layout.nameMaxLines);
  r.get("text_pt", layout.textPt);
  r.get("accent_color", layout.accentColor);
  r.get("date_format", layout.dateFormat);
  Reader labels(r.sub("labels"), "devices.badge.labels");
  labels.get("title", layout.labels.title);
  labels.get("host", layout.labels.host);
  labels.get("purpose", layout.labels.purpose);
  labels.get("issued", layout.labels.issued);
  labels.get("valid_until", layout.labels.validUntil);
  labels.get("kiosk", layout.labels.kiosk);
  labels.get("exit_hint", layout.labels.exitHint);
  if (auto err = labels.finish(); !err.empty()) return err;
  return r.finish();
}

}  // namespace

Result<DevicesConfig> devicesConfigFromToml(const toml::table& devices) {
  DevicesConfig c;
  Reader top(&devices, "devices");
  for (auto step : {+[](Reader&t, DevicesConfig&d) { return applyShorthand(t, d); },
                    +[](Reader&t, DevicesConfig&d) { return readCamera(t, d.camera); },
                    +[](Reader&t, DevicesConfig&d) { return readScanner(t, d.scanner); },
                    +[](Reader&t, DevicesConfig&d) { return readPhoto(t, d.photo); },
                    +[](Reader&t, DevicesConfig&d) { return readUsb(t, d.usb); },
                    +[](Reader&t, DevicesConfig&d) { return readPrinter(t, d.printer); },
                    +[](Reader&t, DevicesConfig&d) { return readBadge(t, d.badge); },
                    +[](Reader&t, DevicesConfig&) { return t.finish(); }}) {
    if (auto err = step(top, c); !err.empty()) return makeError("bad_config", err);
  }
  return c;
}

Result<DevicesConfig> parseDevicesConfig(std::string_view document) {
  try {
    const toml::table doc = toml::parse(document);
    const toml::table* devices = doc.get_as<toml::table>("devices");
    if (!devices) return DevicesConfig{};
    return devicesConfigFromToml(*devices);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << e.description() << " at line " << e.source().begin.line;
    return makeError("bad_toml", msg.str());
  }
}

Result<DevicesConfig> loadDevicesConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return makeError("bad_config", "cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parseDevicesConfig(ss.str());
}

}  // namespace gatehouse::devices
