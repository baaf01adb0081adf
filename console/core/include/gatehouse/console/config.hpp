// config/console.toml: server, window, theme, thresholds, cache; shared by console and worker
// (the worker alone reads [database]).
#pragma once
#include <chrono>
#include <string>

#include "gatehouse/core/result.hpp"

namespace gatehouse::console {

struct ConsoleConfig {
  std::string serverUrl;  // [server] url: https://server:port (the console's only peer)
  std::string caFile;     // PEM of the CA that signed the server's certificate; "" = system CAs
  std::string pinSha256;  // optional: base64 sha256 of the server's public key
  std::chrono::milliseconds connectTimeout{3000};
  std::chrono::milliseconds requestTimeout{10000};
  std::string databaseUrl;        // worker only; empty: GATEHOUSE_DATABASE_URL
  std::string mode = "windowed";  // windowed | fullscreen | offscreen
  int width = 1600;
  int height = 900;
  std::string theme = "dark";
  std::string language = "en";
  std::string langDir = "assets/lang/console";
  std::chrono::seconds offlineAfter{15};
  std::string cachePath = "console-cache.sqlite";
  std::string exportDir = ".";    // evacuation lists, report CSV/PDF
  std::string evacuationPrinter;  // CUPS queue for "Print evacuation list"; "" = PDF only
  std::string cupsServer;         // CUPS server or socket; "" = the system's
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
