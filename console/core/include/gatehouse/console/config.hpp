// config/console.toml: database, window, theme, thresholds, cache; shared by console and worker.
#pragma once
#include <chrono>
#include <string>

#include "gatehouse/core/result.hpp"

namespace gatehouse::console {

struct ConsoleConfig {
  std::string databaseUrl;        // empty: GATEHOUSE_DATABASE_URL
  std::string mode = "windowed";  // windowed | fullscreen | offscreen
  int width = 1600;
  int height = 900;
  std::string theme = "dark";
  std::string language = "en";
  std::string langDir = "assets/lang/console";
  std::chrono::seconds offlineAfter{15};
  std::string cachePath = "console-cache.sqlite";
  std::string exportDir = ".";  // evacuation lists, report CSV/PDF
  bool sound = true;
  std::string cameraDriver;  // "" (none: manual entry without a photo) | simulated | v4l2
  std::string cameraDevice;  // v4l2: "0" or /dev/video0
  std::string cameraSource;  // simulated: a video file or a folder of images
  std::chrono::milliseconds workerInterval{5000};
  std::chrono::seconds kioskStale{60};
  std::chrono::seconds purgeEvery{600};  // retention purge interval; 0 = off
  int purgeBatch = 100;
};

// Missing file: defaults. Errors name the file, line and key.
Result<ConsoleConfig> loadConfig(const std::string& path);

}  // namespace gatehouse::console
