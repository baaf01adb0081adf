// The kiosk's configuration (config/kiosk.toml): parsed and validated once at start.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gatehouse/core/result.hpp"
#include "gatehouse/devices/usb.hpp"

namespace gatehouse::kiosk {

// [gate]: the gate or turnstile this kiosk opens through the USB relay board ([devices.usb]).
struct GateConfig {
  bool enabled = false;
  int entryChannel = 1;      // relay channel that opens the way in
  int exitChannel = 1;       // and the way out (the same channel for a single gate)
  int pulseMs = 800;         // how long the relay stays closed
  bool waitForBadge = true;  // entry: open once the badge is printed (else at approval)
  std::string directions;    // "All done": where to go after the gate (this kiosk's words)
};

struct KioskConfig {
  std::int64_t estateId = 1;
  std::int64_t kioskId = 0;
  std::string token;
  std::string name = "Kiosk";
  int utcOffsetMinutes = 0;
  // The estate's document pepper (keyed document hashes); empty: the `document-pepper`
  // credential under $CREDENTIALS_DIRECTORY, else ID scans keep no document hash.
  std::string documentPepperFile;

  std::string databaseUrl;  // GATEHOUSE_DATABASE_URL overrides
  std::string outboxPath = "kiosk-outbox.sqlite";

  std::string camera = "simulated";   // simulated | pattern | device:N
  std::string cameraSource;           // footage folder/file for the simulated camera
  std::string scanner = "simulated";  // camera | usb | simulated (script lines only)
  std::string printer = "simulated";  // simulated | cups:QUEUE
  std::string badgeDir = "badges";    // where the simulated printer leaves PDFs
  devices::UsbConfig usb;             // [devices.usb]: scanners and the relay board
  GateConfig gate;

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
  // "toggle" (a visitor's switch on Welcome), "on" (every visitor: a kiosk mounted low), "off".
  std::string reachMode = "toggle";
  bool spokenPrompts = false;  // each screen says its prompt (espeak-ng) in the visitor's language
};

// Errors carry "FILE:LINE: reason" (or "FILE: reason" when no line applies).
Result<KioskConfig> parseConfig(const std::string& text,
                                const std::string& sourceName = "kiosk.toml");
Result<KioskConfig> loadConfig(const std::string& path);
// Applies GATEHOUSE_DATABASE_URL when set.
void applyEnvironment(KioskConfig& config);

}  // namespace gatehouse::kiosk
