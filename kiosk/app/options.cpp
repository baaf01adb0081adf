// The kiosk's command line, and the configuration and translations it selects.
#include "options.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "gatehouse/core/install_paths.hpp"
#include "gatehouse/ui/theme.hpp"

#ifndef GATEHOUSE_VERSION
#define GATEHOUSE_VERSION "0.1.0"
#endif

namespace gatehouse::kiosk {
namespace {

void usage() {
  std::puts(
      "usage: gatehouse-kiosk [options]\n"
      "  --config FILE          kiosk configuration (default config/kiosk.toml)\n"
      "  --windowed             run in a window (development)\n"
      "  --offscreen            no display: SDL offscreen driver (also when "
      "SDL_VIDEODRIVER=offscreen)\n"
      "  --size WxH             window / offscreen size (default 1920x1080)\n"
      "  --script FILE          replay scripted touches (see docs/kiosk.md); exit when it ends\n"
      "  --screenshots DIR      save a PNG of every screen shown (and script 'screenshot' "
      "commands)\n"
      "  --theme NAME           light | dark | high_contrast (overrides the config)\n"
      "  --language CODE        start language (overrides the config)\n"
      "  --database-url URL     overrides the config and GATEHOUSE_DATABASE_URL\n"
      "  --outbox FILE          SQLite outbox path (overrides the config)\n"
      "  --badge-dir DIR        where the simulated printer writes badge PDFs\n"
      "  --assets DIR           assets folder (lang/*.json); default from the config\n"
      "  --status-file FILE     keep FILE updated with the current screen and connectivity (tests, "
      "monitoring)\n"
      "  --frames N             quit after N frames\n"
      "  --fps N                frame cap (default: vsync in a window, 30 offscreen)\n"
      "  --bench                print frame-time statistics, start-up time and memory as JSON at "
      "exit\n"
      "  --bench-preview        open the photo screen (live camera preview) for --bench\n"
      "  --version");
}

// A relative assets folder is looked up from the working directory, then next to config/.
std::string resolveAssets(const std::string& assets, const std::string& configPath) {
  if (!std::filesystem::path(assets).is_relative() || std::filesystem::exists(assets))
    return assets;
  const auto besideConfig =
      std::filesystem::absolute(configPath).parent_path().parent_path() / assets;
  const auto inSource = std::filesystem::path(GATEHOUSE_SOURCE_DIR) / assets;
  const auto installed = installedDataPath(assets);  // a package's /usr/share/gatehouse
  if (std::filesystem::exists(besideConfig)) return besideConfig.string();
  if (!installed.empty()) return installed;
  if (std::filesystem::exists(inSource)) return inSource.string();
  return assets;
}

}  // namespace

std::optional<Options> parseArgs(int argc, char** argv, int& exitCode) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "gatehouse-kiosk: %s needs a value\n", a.c_str());
        exitCode = 1;
        return {};
      }
      return argv[++i];
    };
    if (a == "--config")
      o.configPath = value();
    else if (a == "--windowed")
      o.mode = ui::WindowMode::Windowed;
    else if (a == "--offscreen")
      o.mode = ui::WindowMode::Offscreen;
    else if (a == "--fullscreen")
      o.mode = ui::WindowMode::Fullscreen;
    else if (a == "--size") {
      const std::string v = value();
      if (std::sscanf(v.c_str(), "%dx%d", &o.width, &o.height) != 2 || o.width < 320 ||
          o.height < 240) {
        std::fprintf(stderr, "gatehouse-kiosk: --size wants WxH, e.g. 1920x1080\n");
        exitCode = 1;
      }
    } else if (a == "--script")
      o.script = value();
    else if (a == "--screenshots")
      o.screenshots = value();
    else if (a == "--theme")
      o.theme = value();
    else if (a == "--language")
      o.language = value();
    else if (a == "--database-url")
      o.databaseUrl = value();
    else if (a == "--outbox")
      o.outbox = value();
    else if (a == "--badge-dir")
      o.badgeDir = value();
    else if (a == "--assets")
      o.assets = value();
    else if (a == "--status-file")
      o.statusFile = value();
    else if (a == "--frames")
      o.maxFrames = std::atoi(value().c_str());
    else if (a == "--fps")
      o.fps = std::atoi(value().c_str());
    else if (a == "--bench")
      o.bench = true;
    else if (a == "--bench-preview")
      o.previewBench = o.bench = true;
    else if (a == "--version") {
      std::puts("gatehouse-kiosk " GATEHOUSE_VERSION);
      exitCode = 0;
      return std::nullopt;
    } else if (a == "--help" || a == "-h") {
      usage();
      exitCode = 0;
      return std::nullopt;
    } else {
      std::fprintf(stderr, "gatehouse-kiosk: unknown option %s (try --help)\n", a.c_str());
      exitCode = 1;
    }
    if (exitCode) return std::nullopt;
  }
  return o;
}

Result<KioskConfig> loadKioskConfig(const Options& opt) {
  auto loaded = loadConfig(opt.configPath);
  if (!loaded) return makeError("config", "bad config: " + loaded.error().message);
  KioskConfig cfg = loaded.value();
  applyEnvironment(cfg);
  if (!opt.databaseUrl.empty()) cfg.databaseUrl = opt.databaseUrl;
  if (!opt.outbox.empty()) cfg.outboxPath = opt.outbox;
  if (!opt.badgeDir.empty()) cfg.badgeDir = opt.badgeDir;
  if (!opt.theme.empty()) cfg.theme = opt.theme;
  if (!opt.language.empty()) cfg.defaultLanguage = opt.language;
  if (!ui::themeFromString(cfg.theme)) return makeError("theme", "unknown theme " + cfg.theme);
  cfg.assetsDir = opt.assets.empty() ? resolveAssets(cfg.assetsDir, opt.configPath) : opt.assets;
  return cfg;
}

Status loadTranslations(const KioskConfig& cfg, ui::Translations& tr) {
  if (auto s = tr.loadDirectory(cfg.assetsDir + "/lang"); !s)
    return makeError("translations", "translations: " + s.error().message);
  for (const auto& lang : cfg.languages) {
    if (!tr.strings(lang)) {
      return makeError("translations",
                       "no " + cfg.assetsDir + "/lang/" + lang + ".json for configured language");
    }
  }
  return Ok{};
}

}  // namespace gatehouse::kiosk
