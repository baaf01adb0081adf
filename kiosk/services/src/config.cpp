// Parses config/kiosk.toml with toml++, reporting the line and reason of the first problem.
#include "gatehouse/kiosk/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

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
    static const std::set<std::string> sections{"kiosk",   "database", "storage",
                                                "devices", "timeouts", "ui"};
    if (!sections.count(std::string(k.str())))
      r.fail(k.source(), "unknown section [" + std::string(k.str()) + "]");
  }
  if (const auto* t = r.section(root, "kiosk", true)) {
    r.known(*t, "kiosk", {"estate_id", "kiosk_id", "token", "name", "utc_offset_minutes"});
    r.get(*t, "kiosk", "estate_id", c.estateId, true);
    r.get(*t, "kiosk", "kiosk_id", c.kioskId, true);
    r.get(*t, "kiosk", "token", c.token, true);
    r.get(*t, "kiosk", "name", c.name);
    r.get(*t, "kiosk", "utc_offset_minutes", c.utcOffsetMinutes);
    if (!r.error && c.kioskId <= 0)
      r.fail(t->get("kiosk_id")->source(), "'kiosk_id' must be positive");
    if (!r.error && c.token.empty()) r.fail(t->get("token")->source(), "'token' must not be empty");
  }
  if (const auto* t = r.section(root, "database", false)) {
    r.known(*t, "database", {"url"});
    r.get(*t, "database", "url", c.databaseUrl);
  }
  if (const auto* t = r.section(root, "storage", false)) {
    r.known(*t, "storage", {"outbox"});
    r.get(*t, "storage", "outbox", c.outboxPath);
  }
  if (const auto* t = r.section(root, "devices", false)) {
    r.known(*t, "devices", {"camera", "camera_source", "scanner", "printer", "badge_dir"});
    r.get(*t, "devices", "camera", c.camera);
    r.get(*t, "devices", "camera_source", c.cameraSource);
    r.get(*t, "devices", "scanner", c.scanner);
    r.get(*t, "devices", "printer", c.printer);
    r.get(*t, "devices", "badge_dir", c.badgeDir);
    if (!r.error && c.printer != "simulated" && c.printer.rfind("cups:", 0) != 0) {
      r.fail(t->get("printer")->source(),
             "'printer' must be \"simulated\" or \"cups:QUEUE\", not \"" + c.printer + "\"");
    }
    if (!r.error && c.scanner != "simulated" && c.scanner != "camera") {
      r.fail(t->get("scanner")->source(), "'scanner' must be \"camera\" or \"simulated\"");
    }
    if (!r.error && c.camera != "simulated" && c.camera != "pattern" &&
        c.camera.rfind("device:", 0) != 0) {
      r.fail(t->get("camera")->source(),
             "'camera' must be \"simulated\", \"pattern\" or \"device:N\"");
    }
  }
  if (const auto* t = r.section(root, "timeouts", false)) {
    r.known(*t, "timeouts",
            {"idle_seconds", "end_screen_seconds", "approval_seconds", "guard_wait_seconds",
             "heartbeat_seconds"});
    r.get(*t, "timeouts", "idle_seconds", c.idleSeconds);
    r.get(*t, "timeouts", "end_screen_seconds", c.endScreenSeconds);
    r.get(*t, "timeouts", "approval_seconds", c.approvalSeconds);
    r.get(*t, "timeouts", "guard_wait_seconds", c.guardWaitSeconds);
    r.get(*t, "timeouts", "heartbeat_seconds", c.heartbeatSeconds);
    if (!r.error) {
      r.positive(*t, "idle_seconds", c.idleSeconds, 3600);
      r.positive(*t, "end_screen_seconds", c.endScreenSeconds, 600);
      r.positive(*t, "approval_seconds", c.approvalSeconds, 3600);
      r.positive(*t, "guard_wait_seconds", c.guardWaitSeconds, 86400);
      r.positive(*t, "heartbeat_seconds", c.heartbeatSeconds, 3600);
    }
  }
  if (const auto* t = r.section(root, "ui", false)) {
    r.known(*t, "ui", {"languages", "default_language", "theme", "px_per_mm", "assets_dir"});
    if (const toml::node* n = t->get("languages")) {
      const toml::array* a = n->as_array();
      if (!a || a->empty()) {
        r.fail(n->source(), "'languages' must be a non-empty list of language codes");
      } else {
        c.languages.clear();
        for (const auto& item : *a) {
          if (auto s = item.value<std::string>())
            c.languages.push_back(*s);
          else
            r.fail(item.source(), "'languages' entries must be strings");
        }
      }
    }
    r.get(*t, "ui", "default_language", c.defaultLanguage);
    r.get(*t, "ui", "theme", c.theme);
    r.get(*t, "ui", "px_per_mm", c.pxPerMm);
    r.get(*t, "ui", "assets_dir", c.assetsDir);
    if (!r.error && c.theme != "light" && c.theme != "dark" && c.theme != "high_contrast") {
      r.fail(t->get("theme")->source(),
             "'theme' must be light, dark or high_contrast, not \"" + c.theme + "\"");
    }
    if (!r.error &&
        std::find(c.languages.begin(), c.languages.end(), c.defaultLanguage) == c.languages.end()) {
      const toml::node* n = t->get("default_language");
      r.fail(n ? n->source() : t->source(),
             "'default_language' \"" + c.defaultLanguage + "\" is not in 'languages'");
    }
  }
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
