// Parses config/kiosk.toml with toml++, reporting the line and reason of the first problem.
#include "gatehouse/kiosk/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "gatehouse/devices/config_toml.hpp"

namespace gatehouse::kiosk {
namespace {

struct Reader {
  const std::string& file;
  std::optional<Error> error;

  void fail(const toml::source_region& where, const std::string& why) {
    if (error) return;
    std::string prefix = file + ":" + std::to_string(where.begin.line) + ": ";
    if (where.begin.line == 0) prefix = file + ": ";
    error = makeError("config", prefix + why);
  }

  // Rejects keys we do not know: a typo must not silently fall back to a default.
  void known(const toml::table& t, const std::string& section, std::set<std::string> keys) {
    for (const auto& [k, v] : t) {
      if (!keys.count(std::string(k.str()))) {
        fail(k.source(), "unknown key '" + std::string(k.str()) + "' in [" + section + "]");
      }
    }
  }

  template <typename T>
  void get(const toml::table& t, const std::string& section, const char* key, T& out,
           bool required = false) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) fail(t.source(), "[" + section + "] needs '" + key + "'");
      return;
    }
    if constexpr (std::is_same_v<T, std::string>) {
      if (auto v = n->value<std::string>())
        out = *v;
      else
        fail(n->source(), std::string("'") + key + "' must be a string");
    } else if constexpr (std::is_same_v<T, bool>) {
      if (auto v = n->value<bool>())
        out = *v;
      else
        fail(n->source(), std::string("'") + key + "' must be true or false");
    } else if constexpr (std::is_same_v<T, float>) {
      if (auto v = n->value<double>())
        out = static_cast<float>(*v);
      else
        fail(n->source(), std::string("'") + key + "' must be a number");
    } else {
      if (auto v = n->value<std::int64_t>())
        out = static_cast<T>(*v);
      else
        fail(n->source(), std::string("'") + key + "' must be an integer");
    }
  }

  void positive(const toml::table& t, const char* key, int value, int max) {
    if (value <= 0 || value > max) {
      const toml::node* n = t.get(key);
      fail(n ? n->source() : t.source(),
           std::string("'") + key + "' must be between 1 and " + std::to_string(max));
    }
  }

  const toml::table* section(const toml::table& root, const char* name, bool required) {
    const toml::node* n = root.get(name);
    if (!n) {
      if (required) fail(root.source(), std::string("missing section [") + name + "]");
      return nullptr;
    }
    if (!n->is_table()) {
      fail(n->source(), std::string("'") + name + "' must be a section");
      return nullptr;
    }
    return n->as_table();
  }
};

// The [devices.*] tables belong to gatehouse::devices: its parser (the one gatehouse-devices uses)
// checks them, so the kiosk and the CLI agree on one file.
void readDevices(Reader& r, const toml::table& t, KioskConfig& c) {
  if (r.error) return;
  auto parsed = devices::devicesConfigFromToml(t);
  if (!parsed) {
    r.fail(t.source(), parsed.error().message);
    return;
  }
  c.usb = parsed->usb;
  if (!t.get_as<toml::table>("usb")) c.usb.driver = "none";  // no USB unless configured
  if (c.scanner == "usb" && c.usb.driver == "none") {
    r.fail(t.get("scanner")->source(), "'scanner' is \"usb\" but [devices.usb] driver is \"none\"");
  }
  if (t.get_as<toml::table>("camera")) {
    const auto& cam = parsed->camera;
    c.camera = cam.driver == "v4l2" ? "device:" + cam.device : "simulated";
    if (cam.driver != "v4l2") c.cameraSource = cam.source;
  }
  if (t.get_as<toml::table>("scanner")) c.scanner = "camera";
  if (t.get_as<toml::table>("printer")) {
    const auto& pr = parsed->printer;
    c.printer = pr.driver == "cups" ? "cups:" + pr.queue : "simulated";
  }
}

void readGate(Reader& r, const toml::table& t, KioskConfig& c) {
  r.known(t, "gate",
          {"enabled", "entry_channel", "exit_channel", "pulse_ms", "wait_for_badge", "directions"});
  GateConfig& g = c.gate;
  for (auto [key, out] : {std::pair{"enabled", &g.enabled}, {"wait_for_badge", &g.waitForBadge}}) {
    if (const toml::node* n = t.get(key)) {
      if (auto v = n->value<bool>())
        *out = *v;
      else
        r.fail(n->source(), std::string("'") + key + "' must be true or false");
    }
  }
  r.get(t, "gate", "entry_channel", g.entryChannel);
  r.get(t, "gate", "exit_channel", g.exitChannel);
  r.get(t, "gate", "pulse_ms", g.pulseMs);
  r.get(t, "gate", "directions", g.directions);
  if (r.error) return;
  r.positive(t, "entry_channel", g.entryChannel, 8);
  r.positive(t, "exit_channel", g.exitChannel, 8);
  r.positive(t, "pulse_ms", g.pulseMs, 30000);
  if (!r.error && g.directions.size() > 300) {
    r.fail(t.get("directions")->source(), "'directions' must be at most 300 bytes");
  }
  if (!r.error && g.enabled && c.usb.driver == "none") {
    r.fail(t.source(), "[gate] is enabled but [devices.usb] driver is \"none\" (no relay board)");
  }
}

void readKiosk(Reader& r, const toml::table& t, KioskConfig& c) {
  r.known(t, "kiosk",
          {"estate_id", "kiosk_id", "token", "name", "utc_offset_minutes", "document_pepper_file"});
  r.get(t, "kiosk", "document_pepper_file", c.documentPepperFile);
  r.get(t, "kiosk", "estate_id", c.estateId, true);
  r.get(t, "kiosk", "kiosk_id", c.kioskId, true);
  r.get(t, "kiosk", "token", c.token, true);
  r.get(t, "kiosk", "name", c.name);
  r.get(t, "kiosk", "utc_offset_minutes", c.utcOffsetMinutes);
  if (!r.error && c.kioskId <= 0)
    r.fail(t.get("kiosk_id")->source(), "'kiosk_id' must be positive");
  if (!r.error && c.token.empty()) r.fail(t.get("token")->source(), "'token' must not be empty");
}

// The kiosk's one-word device names; the tables are gatehouse::devices' (readDevices).
void readDeviceWords(Reader& r, const toml::table& t, KioskConfig& c) {
  r.known(t, "devices",
          {"camera", "camera_source", "scanner", "printer", "badge_dir", "usb", "photo", "badge"});
  // Each device is one word here or a full table of gatehouse::devices (docs/devices.md).
  for (auto [key, out] :
       {std::pair{"camera", &c.camera}, {"scanner", &c.scanner}, {"printer", &c.printer}}) {
    if (const toml::node* n = t.get(key); n && !n->is_table()) r.get(t, "devices", key, *out);
  }
  r.get(t, "devices", "camera_source", c.cameraSource);
  r.get(t, "devices", "badge_dir", c.badgeDir);
  if (!r.error && c.printer != "simulated" && c.printer.rfind("cups:", 0) != 0) {
    r.fail(t.get("printer")->source(),
           "'printer' must be \"simulated\" or \"cups:QUEUE\", not \"" + c.printer + "\"");
  }
  if (!r.error && c.scanner != "simulated" && c.scanner != "camera" && c.scanner != "usb") {
    r.fail(t.get("scanner")->source(), "'scanner' must be \"camera\", \"usb\" or \"simulated\"");
  }
  if (!r.error && c.camera != "simulated" && c.camera != "pattern" &&
      c.camera.rfind("device:", 0) != 0) {
    r.fail(t.get("camera")->source(),
           "'camera' must be \"simulated\", \"pattern\" or \"device:N\"");
  }
}

void readTimeouts(Reader& r, const toml::table& t, KioskConfig& c) {
  r.known(t, "timeouts",
          {"idle_seconds", "end_screen_seconds", "approval_seconds", "guard_wait_seconds",
           "heartbeat_seconds"});
  r.get(t, "timeouts", "idle_seconds", c.idleSeconds);
  r.get(t, "timeouts", "end_screen_seconds", c.endScreenSeconds);
  r.get(t, "timeouts", "approval_seconds", c.approvalSeconds);
  r.get(t, "timeouts", "guard_wait_seconds", c.guardWaitSeconds);
  r.get(t, "timeouts", "heartbeat_seconds", c.heartbeatSeconds);
  if (r.error) return;
  r.positive(t, "idle_seconds", c.idleSeconds, 3600);
  r.positive(t, "end_screen_seconds", c.endScreenSeconds, 600);
  r.positive(t, "approval_seconds", c.approvalSeconds, 3600);
  r.positive(t, "guard_wait_seconds", c.guardWaitSeconds, 86400);
  r.positive(t, "heartbeat_seconds", c.heartbeatSeconds, 3600);
}

void readLanguages(Reader& r, const toml::table& t, KioskConfig& c) {
  const toml::node* n = t.get("languages");
  if (!n) return;
  const toml::array* a = n->as_array();
  if (!a || a->empty()) {
    r.fail(n->source(), "'languages' must be a non-empty list of language codes");
    return;
  }
  c.languages.clear();
  for (const auto& item : *a) {
    if (auto s = item.value<std::string>())
      c.languages.push_back(*s);
    else
      r.fail(item.source(), "'languages' entries must be strings");
  }
}

void readUi(Reader& r, const toml::table& t, KioskConfig& c) {
  r.known(t, "ui",
          {"languages", "default_language", "theme", "px_per_mm", "assets_dir", "spoken_prompts",
           "reach_mode"});
  readLanguages(r, t, c);
  r.get(t, "ui", "default_language", c.defaultLanguage);
  r.get(t, "ui", "theme", c.theme);
  r.get(t, "ui", "px_per_mm", c.pxPerMm);
  r.get(t, "ui", "assets_dir", c.assetsDir);
  r.get(t, "ui", "spoken_prompts", c.spokenPrompts);
  r.get(t, "ui", "reach_mode", c.reachMode);
  if (!r.error && c.reachMode != "toggle" && c.reachMode != "on" && c.reachMode != "off") {
    r.fail(t.get("reach_mode")->source(),
           "'reach_mode' must be toggle, on or off, not \"" + c.reachMode + "\"");
  }
  if (!r.error && c.theme != "light" && c.theme != "dark" && c.theme != "high_contrast") {
    r.fail(t.get("theme")->source(),
           "'theme' must be light, dark or high_contrast, not \"" + c.theme + "\"");
  }
  if (!r.error &&
      std::find(c.languages.begin(), c.languages.end(), c.defaultLanguage) == c.languages.end()) {
    const toml::node* n = t.get("default_language");
    r.fail(n ? n->source() : t.source(),
           "'default_language' \"" + c.defaultLanguage + "\" is not in 'languages'");
  }
}

}  // namespace

Result<KioskConfig> parseConfig(const std::string& text, const std::string& sourceName) {
  toml::table root;
  try {
    root = toml::parse(text, sourceName);
  } catch (const toml::parse_error& e) {
    return makeError("config", sourceName + ":" + std::to_string(e.source().begin.line) + ": " +
                                   std::string(e.description()));
  }
  KioskConfig c;
  Reader r{sourceName, std::nullopt};
  for (const auto& [k, v] : root) {
    static const std::set<std::string> sections{"kiosk",    "database", "storage", "devices",
                                                "timeouts", "ui",       "gate"};
    if (!sections.count(std::string(k.str())))
      r.fail(k.source(), "unknown section [" + std::string(k.str()) + "]");
  }
  if (const auto* t = r.section(root, "kiosk", true)) readKiosk(r, *t, c);
  if (const auto* t = r.section(root, "database", false)) {
    r.known(*t, "database", {"url"});
    r.get(*t, "database", "url", c.databaseUrl);
  }
  if (const auto* t = r.section(root, "storage", false)) {
    r.known(*t, "storage", {"outbox"});
    r.get(*t, "storage", "outbox", c.outboxPath);
  }
  if (const auto* t = r.section(root, "devices", false)) {
    readDeviceWords(r, *t, c);
    readDevices(r, *t, c);
  }
  if (const auto* t = r.section(root, "timeouts", false)) readTimeouts(r, *t, c);
  if (const auto* t = r.section(root, "ui", false)) readUi(r, *t, c);
  if (const auto* t = r.section(root, "gate", false)) readGate(r, *t, c);
  if (r.error) return *r.error;
  return c;
}

Result<KioskConfig> loadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return makeError("config", path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return parseConfig(ss.str(), path);
}

void applyEnvironment(KioskConfig& config) {
  if (const char* url = std::getenv("GATEHOUSE_DATABASE_URL"); url && *url)
    config.databaseUrl = url;
}

}  // namespace gatehouse::kiosk
