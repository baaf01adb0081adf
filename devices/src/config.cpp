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

}  // namespace

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

Result<DevicesConfig> devicesConfigFromToml(const toml::table& devices) {
  DevicesConfig c;
  std::string err;
  Reader top(&devices, "devices");
  if (err = applyShorthand(top, c); !err.empty()) return makeError("bad_config", err);

  Reader cam(top.sub("camera"), "devices.camera");
  cam.get("driver", c.camera.driver);
  cam.get("device", c.camera.device);
  cam.get("source", c.camera.source);
  cam.get("width", c.camera.width);
  cam.get("height", c.camera.height);
  cam.get("fps", c.camera.fps);
  cam.get("mjpg", c.camera.mjpg);
  cam.get("buffer_size", c.camera.bufferSize);
  cam.get("reconnect_ms", c.camera.reconnectInterval);
  if (err = cam.finish(); !err.empty()) return makeError("bad_config", err);

  Reader scan(top.sub("scanner"), "devices.scanner");
  std::vector<std::string> formats;
  scan.get("formats", formats);
  if (!formats.empty()) {
    std::string joined;
    for (const auto& f : formats) joined += f + ",";
    auto parsed = parseCodeFormats(joined);
    if (!parsed)
      return makeError("bad_config", "devices.scanner.formats: " + parsed.error().message);
    c.scanner.decode.formats = parsed.value();
  }
  scan.get("max_side", c.scanner.decode.maxSide);
  double roi[4] = {0, 0, 0, 0};
  scan.get("roi_x", roi[0]);
  scan.get("roi_y", roi[1]);
  scan.get("roi_width", roi[2]);
  scan.get("roi_height", roi[3]);
  c.scanner.decode.roi = cv::Rect2f(static_cast<float>(roi[0]), static_cast<float>(roi[1]),
                                    static_cast<float>(roi[2]), static_cast<float>(roi[3]));
  scan.get("forget_after_frames", c.scanner.forgetAfterFrames);
  if (err = scan.finish(); !err.empty()) return makeError("bad_config", err);

  Reader photo(top.sub("photo"), "devices.photo");
  photo.get("cascade", c.photo.cascade);
  photo.get("min_face_fraction", c.photo.minFaceFraction);
  photo.get("min_sharpness", c.photo.minSharpness);
  photo.get("min_brightness", c.photo.minBrightness);
  photo.get("detect_width", c.photo.detectWidth);
  if (err = photo.finish(); !err.empty()) return makeError("bad_config", err);

  Reader usb(top.sub("usb"), "devices.usb");
  usb.get("driver", c.usb.driver);
  usb.get("wedge_devices", c.usb.wedgeDevices);
  usb.get("relay_enabled", c.usb.relayEnabled);
  usb.get("relay_channel", c.usb.relayChannel);
  usb.get("relay_pulse_ms", c.usb.relayPulse);
  usb.get("resume_window_ms", c.usb.resumeWindow);
  usb.get("max_scan_length", c.usb.maxScanLength);
  if (err = usb.finish(); !err.empty()) return makeError("bad_config", err);
  if (c.usb.driver != "libusb" && c.usb.driver != "simulated" && c.usb.driver != "none")
    return makeError("bad_config",
                     "devices.usb.driver must be \"libusb\", \"simulated\" or \"none\"");
  for (const auto& id : c.usb.wedgeDevices) {
    if (!parseUsbId(id))
      return makeError("bad_config", "devices.usb.wedge_devices: \"" + id +
                                         "\" is not a \"vvvv:pppp\" vendor:product id");
  }

  Reader pr(top.sub("printer"), "devices.printer");
  pr.get("driver", c.printer.driver);
  pr.get("queue", c.printer.queue);
  pr.get("server", c.printer.server);
  pr.get("directory", c.printer.directory);
  pr.get("timeout_ms", c.printer.timeout);
  pr.get("poll_ms", c.printer.pollInterval);
  if (err = pr.finish(); !err.empty()) return makeError("bad_config", err);

  Reader badge(top.sub("badge"), "devices.badge");
  std::string size = std::string(toString(c.badge.size));
  badge.get("size", size);
  auto bs = badgeSizeFromString(size);
  if (!bs) return makeError("bad_config", "devices.badge.size: " + bs.error().message);
  c.badge = layoutFor(bs.value());
  badge.get("width_mm", c.badge.widthMm);
  badge.get("height_mm", c.badge.heightMm);
  badge.get("margin_mm", c.badge.marginMm);
  badge.get("font", c.badge.fontFamily);
  badge.get("name_max_pt", c.badge.nameMaxPt);
  badge.get("name_min_pt", c.badge.nameMinPt);
  badge.get("name_max_lines", c.badge.nameMaxLines);
  badge.get("text_pt", c.badge.textPt);
  badge.get("accent_color", c.badge.accentColor);
  badge.get("date_format", c.badge.dateFormat);
  Reader labels(badge.sub("labels"), "devices.badge.labels");
  labels.get("title", c.badge.labels.title);
  labels.get("host", c.badge.labels.host);
  labels.get("purpose", c.badge.labels.purpose);
  labels.get("issued", c.badge.labels.issued);
  labels.get("valid_until", c.badge.labels.validUntil);
  labels.get("kiosk", c.badge.labels.kiosk);
  labels.get("exit_hint", c.badge.labels.exitHint);
  if (err = labels.finish(); !err.empty()) return makeError("bad_config", err);
  if (err = badge.finish(); !err.empty()) return makeError("bad_config", err);
  if (err = top.finish(); !err.empty()) return makeError("bad_config", err);
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
