// The kiosk's command line and the configuration it selects: flags parsed, config loaded and
// overridden, assets folder found, translations loaded.
#pragma once
#include <optional>
#include <string>

#include "gatehouse/kiosk/config.hpp"
#include "gatehouse/ui/app_window.hpp"
#include "gatehouse/ui/translations.hpp"

namespace gatehouse::kiosk {

struct Options {
  std::string configPath = "config/kiosk.toml";
  ui::WindowMode mode = ui::WindowMode::Fullscreen;
  int width = 1920, height = 1080;
  std::string script;
  std::string screenshots;
  std::string theme, language, databaseUrl, outbox, badgeDir, assets, statusFile;
  int maxFrames = 0;  // 0 = unlimited
  int fps = 0;        // 0 = vsync (window) or 30 (offscreen)
  bool bench = false;
  bool previewBench = false;  // stay on the photo screen (live preview) for frame timing
};

// nullopt: stop with exitCode (0 after --help / --version, 1 on a bad argument, message printed).
std::optional<Options> parseArgs(int argc, char** argv, int& exitCode);

// The config file with the environment and the flags applied and the assets folder resolved.
// Errors (message ready for stderr): config, theme.
Result<KioskConfig> loadKioskConfig(const Options& options);

// Loads lang/*.json from the assets folder; every configured language must have a file.
Status loadTranslations(const KioskConfig& config, ui::Translations& tr);

}  // namespace gatehouse::kiosk
