// The kiosk's configuration (config/kiosk.toml): parsed and validated once at start.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gatehouse/core/result.hpp"

namespace gatehouse::kiosk {

struct KioskConfig {
  std::int64_t estateId = 1;
  std::int64_t kioskId = 0;
  std::string token;
  std::string name = "Kiosk";
  int utcOffsetMinutes = 0;

  std::string databaseUrl;  // GATEHOUSE_DATABASE_URL overrides
  std::string outboxPath = "kiosk-outbox.sqlite";

  std::string camera = "simulated";  // simulated | pattern | device:N
  std::string cameraSource;          // footage folder/file for the simulated camera
  std::string scanner = "simulated";
  std::string printer = "simulated";  // simulated | cups:QUEUE
  std::string badgeDir = "badges";    // where the simulated printer leaves PDFs

  int idleSeconds = 60;
  int endScreenSeconds = 10;
  int approvalSeconds = 90;
  int guardWaitSeconds = 600;
  int heartbeatSeconds = 5;

  std::vector<std::string> languages{"en", "ru"};
  std::string defaultLanguage = "en";
  std::string theme = "light";
  float pxPerMm = 5.6f;
  std::string assetsDir = "assets";
};

// Errors carry "FILE:LINE: reason" (or "FILE: reason" when no line applies).
Result<KioskConfig> parseConfig(const std::string& text,
                                const std::string& sourceName = "kiosk.toml");
Result<KioskConfig> loadConfig(const std::string& path);
// Applies GATEHOUSE_DATABASE_URL when set.
void applyEnvironment(KioskConfig& config);

}  // namespace gatehouse::kiosk
