// gatehouse-console: the guard console. Thin: options, window, fonts, theme, translations, run.
#include <SDL.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "console_app.hpp"
#include "gatehouse/core/install_paths.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"

namespace {
const char* kUsage =
    "usage: gatehouse-console [--config FILE] [--server-url URL] "
    "[--windowed|--fullscreen|--offscreen]\n"
    "                         [--size WxH] [--lang en|ru] [--lang-dir DIR] [--email E --password "
    "P --totp CODE]\n"
    "                         [--script FILE --screenshots DIR]\n";
}

int main(int argc, char** argv) {
  using namespace gatehouse;
  std::string configPath = "config/console.toml", url, mode, lang, langDir, size;
  console::app::AppOptions opts;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--config")
      configPath = next();
    else if (a == "--server-url")
      url = next();
    else if (a == "--windowed" || a == "--fullscreen" || a == "--offscreen")
      mode = a.substr(2);
    else if (a == "--size")
      size = next();
    else if (a == "--lang")
      lang = next();
    else if (a == "--lang-dir")
      langDir = next();
    else if (a == "--email")
      opts.email = next();
    else if (a == "--password")
      opts.password = next();
    else if (a == "--totp")
      opts.totp = next();
    else if (a == "--script")
      opts.scriptPath = next();
    else if (a == "--screenshots")
      opts.screenshotDir = next();
    else {
      std::fputs(kUsage, a == "--help" ? stdout : stderr);
      return a == "--help" ? 0 : 2;
    }
  }
  auto cfg = console::loadConfig(configPath);
  if (!cfg) {
    std::fprintf(stderr, "%s\n", cfg.error().message.c_str());
    return 2;
  }
  opts.config = *cfg;
  if (!mode.empty()) opts.config.mode = mode;
  if (!lang.empty()) opts.config.language = lang;
  if (!langDir.empty()) opts.config.langDir = langDir;
  if (!std::filesystem::exists(opts.config.langDir))  // installed: <prefix>/share/gatehouse/...
    if (auto p = installedDataPath(opts.config.langDir); !p.empty()) opts.config.langDir = p;
  if (!size.empty()) std::sscanf(size.c_str(), "%dx%d", &opts.config.width, &opts.config.height);
  if (!url.empty()) opts.config.serverUrl = url;
  if (opts.config.serverUrl.empty()) {
    std::fprintf(stderr, "%s: [server] url is not set: the console needs the server's address\n",
                 configPath.c_str());
    return 2;
  }

  ui::Translations tr;
  if (auto s = tr.loadDirectory(opts.config.langDir); !s) {
    std::fprintf(stderr, "translations: %s\n", s.error().message.c_str());
    return 2;
  }
  tr.setLanguage(opts.config.language);

  ui::WindowOptions wo;
  wo.title = "Gatehouse guard console";
  wo.width = opts.config.width;
  wo.height = opts.config.height;
  wo.mode = opts.config.mode == "fullscreen"  ? ui::WindowMode::Fullscreen
            : opts.config.mode == "offscreen" ? ui::WindowMode::Offscreen
                                              : ui::WindowMode::Windowed;
  if (const char* d = std::getenv("SDL_VIDEODRIVER"); d && std::strcmp(d, "offscreen") == 0)
    wo.mode = ui::WindowMode::Offscreen;
  if (wo.mode != ui::WindowMode::Offscreen && !std::getenv("DISPLAY") &&
      !std::getenv("WAYLAND_DISPLAY") && !std::getenv("SDL_VIDEODRIVER")) {
    std::fputs(
        "gatehouse-console: no display (DISPLAY and WAYLAND_DISPLAY are unset); start it in the "
        "guard's desktop session, or with --offscreen for tests\n",
        stderr);
    return 3;
  }
  auto window = ui::AppWindow::open(wo);
  if (!window) {
    std::fprintf(stderr, "gatehouse-console: cannot open a window: %s\n",
                 window.error().message.c_str());
    return 3;
  }
  // A driver with no screen (SDL fell back to offscreen/dummy) would render to nothing forever.
  const char* driver = SDL_GetCurrentVideoDriver();
  if (wo.mode != ui::WindowMode::Offscreen && driver &&
      (std::strcmp(driver, "offscreen") == 0 || std::strcmp(driver, "dummy") == 0)) {
    std::fprintf(stderr, "gatehouse-console: no display (video driver \"%s\"); use --offscreen\n",
                 driver);
    return 3;
  }
  console::app::installStopHandlers();
  // A desk console read from half a metre: smaller than the kiosk's touch sizes.
  ui::setPixelsPerMillimetre(2.6f);
  if (auto f = ui::loadFonts(0.55f); !f) {
    std::fprintf(stderr, "fonts: %s\n", f.error().message.c_str());
    return 1;
  }
  ui::applyTheme(ui::themeFromString(opts.config.theme).value_or(ui::Theme::Dark));
  int rc = 0;
  {
    console::app::ConsoleApp app(std::move(opts), tr);
    rc = app.run(**window);
  }  // network threads aborted and joined, the cache closed
  if (console::app::stopRequested()) {
    // SIGINT/SIGTERM: end now. Tearing down the GL context can take seconds under a software
    // renderer on a loaded machine, and nothing in it needs saving.
    std::fflush(nullptr);
    std::_Exit(rc);
  }
  return rc;
}
