// Reads config/console.toml with toml++.
#include "gatehouse/console/config.hpp"

#include <toml++/toml.h>

#include <filesystem>

namespace gatehouse::console {

Result<ConsoleConfig> loadConfig(const std::string& path) {
  ConsoleConfig c;
  if (path.empty() || !std::filesystem::exists(path)) return c;
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return makeError("config", path + ":" + std::to_string(e.source().begin.line) + ": " +
                                   std::string(e.description()));
  }
  c.serverUrl = t["server"]["url"].value_or(c.serverUrl);
  c.caFile = t["server"]["ca_file"].value_or(c.caFile);
  c.pinSha256 = t["server"]["pin_sha256"].value_or(c.pinSha256);
  c.connectTimeout = std::chrono::milliseconds(
      t["server"]["connect_timeout_ms"].value_or<std::int64_t>(c.connectTimeout.count()));
  c.requestTimeout = std::chrono::milliseconds(
      t["server"]["request_timeout_ms"].value_or<std::int64_t>(c.requestTimeout.count()));
  c.databaseUrl = t["database"]["url"].value_or(c.databaseUrl);
  c.mode = t["console"]["mode"].value_or(c.mode);
  c.width = t["console"]["width"].value_or(c.width);
  c.height = t["console"]["height"].value_or(c.height);
  c.theme = t["console"]["theme"].value_or(c.theme);
  c.language = t["console"]["language"].value_or(c.language);
  c.langDir = t["console"]["lang_dir"].value_or(c.langDir);
  c.offlineAfter = std::chrono::seconds(
      t["console"]["offline_after_s"].value_or<std::int64_t>(c.offlineAfter.count()));
  c.cachePath = t["console"]["cache_path"].value_or(c.cachePath);
  c.exportDir = t["console"]["export_dir"].value_or(c.exportDir);
  c.sound = t["console"]["sound"].value_or(c.sound);
  c.evacuationPrinter = t["console"]["evacuation_printer"].value_or(c.evacuationPrinter);
  c.cupsServer = t["console"]["cups_server"].value_or(c.cupsServer);
  c.cameraDriver = t["camera"]["driver"].value_or(c.cameraDriver);
  c.cameraDevice = t["camera"]["device"].value_or(c.cameraDevice);
  c.cameraSource = t["camera"]["source"].value_or(c.cameraSource);
  c.workerInterval = std::chrono::milliseconds(
      t["worker"]["interval_ms"].value_or<std::int64_t>(c.workerInterval.count()));
  c.kioskStale = std::chrono::seconds(
      t["worker"]["kiosk_stale_s"].value_or<std::int64_t>(c.kioskStale.count()));
  c.purgeEvery = std::chrono::seconds(
      t["worker"]["purge_every_s"].value_or<std::int64_t>(c.purgeEvery.count()));
  c.purgeBatch = static_cast<int>(t["worker"]["purge_batch"].value_or<std::int64_t>(c.purgeBatch));
  if (c.purgeEvery.count() < 0 || c.purgeBatch < 1 || c.purgeBatch > 10000) {
    return makeError("config", path +
                                   ": worker.purge_every_s must be >= 0 and "
                                   "worker.purge_batch 1 to 10000");
  }
  if (c.connectTimeout.count() < 100 || c.requestTimeout.count() < 100) {
    return makeError("config", path +
                                   ": server.connect_timeout_ms and server.request_timeout_ms "
                                   "must be at least 100");
  }
  if (c.mode != "windowed" && c.mode != "fullscreen" && c.mode != "offscreen") {
    return makeError("config", path + ": console.mode must be windowed, fullscreen or offscreen");
  }
  return c;
}

}  // namespace gatehouse::console
