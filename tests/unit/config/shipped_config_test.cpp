// The files a newcomer copies must load: config/*.toml and the ```toml examples in the docs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "gatehouse/console/config.hpp"
#include "gatehouse/devices/config.hpp"
#include "gatehouse/kiosk/config.hpp"
#include "gatehouse/portal/config.hpp"

namespace {

namespace fs = std::filesystem;
const fs::path kRoot = GATEHOUSE_SOURCE_DIR;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Example {
  std::string where;  // file:line
  std::string text;
};

// Every fenced ```toml block of README.md and docs/**/*.md.
std::vector<Example> tomlExamples() {
  std::vector<fs::path> files{kRoot / "README.md"};
  for (const auto& e : fs::recursive_directory_iterator(kRoot / "docs"))
    if (e.path().extension() == ".md") files.push_back(e.path());
  std::vector<Example> out;
  for (const auto& f : files) {
    std::istringstream in(slurp(f));
    std::string line, block;
    int n = 0, start = 0;
    bool inside = false;
    while (std::getline(in, line)) {
      ++n;
      if (!inside && line.rfind("```toml", 0) == 0) {
        inside = true;
        start = n;
        block.clear();
      } else if (inside && line.rfind("```", 0) == 0) {
        inside = false;
        out.push_back({fs::relative(f, kRoot).string() + ":" + std::to_string(start), block});
      } else if (inside) {
        block += line + "\n";
      }
    }
  }
  return out;
}

// A kiosk example needs [kiosk]; a fragment of [devices.*] tables is completed with one.
std::string asKioskFile(const std::string& text) {
  if (text.find("[kiosk]") != std::string::npos) return text;
  return "[kiosk]\nestate_id = 1\nkiosk_id = 1\ntoken = \"t\"\n" + text;
}

TEST(ShippedConfig, KioskTomlLoadsInTheKiosk) {
  auto c = gatehouse::kiosk::loadConfig((kRoot / "config/kiosk.toml").string());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->gate.enabled);
  EXPECT_EQ(c->reachMode, "toggle");
  EXPECT_FALSE(c->spokenPrompts);
  EXPECT_EQ(c->usb.driver, "simulated");
  EXPECT_FALSE(c->gate.directions.empty());
}

TEST(ShippedConfig, KioskTomlLoadsInGatehouseDevices) {
  auto c = gatehouse::devices::loadDevicesConfig((kRoot / "config/kiosk.toml").string());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->camera.driver, "simulated");
  EXPECT_EQ(c->printer.driver, "file");
  EXPECT_EQ(c->usb.driver, "simulated");
}

TEST(ShippedConfig, ConsoleAndPortalTomlLoad) {
  auto console = gatehouse::console::loadConfig((kRoot / "config/console.toml").string());
  EXPECT_TRUE(console) << console.error().message;
  auto portal = gatehouse::portal::loadConfig((kRoot / "config/portal.toml").string(), true);
  EXPECT_TRUE(portal) << portal.error().message;
}

TEST(ShippedConfig, EveryConfigFileIsCovered) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(kRoot / "config"))
    if (e.path().extension() == ".toml") names.insert(e.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"console.toml", "kiosk.toml", "portal.toml"}))
      << "a new config/*.toml needs a test here";
}

TEST(ShippedConfig, EveryDocumentedKioskExampleLoadsInBothParsers) {
  const auto examples = tomlExamples();
  int kioskExamples = 0;
  for (const auto& ex : examples) {
    const bool kiosk = ex.text.find("[devices") != std::string::npos ||
                       ex.text.find("[kiosk]") != std::string::npos ||
                       ex.text.find("[gate]") != std::string::npos;
    if (!kiosk) continue;
    ++kioskExamples;
    const std::string file = asKioskFile(ex.text);
    auto k = gatehouse::kiosk::parseConfig(file, ex.where);
    EXPECT_TRUE(k) << ex.where << ": " << k.error().message;
    auto d = gatehouse::devices::parseDevicesConfig(file);
    EXPECT_TRUE(d) << ex.where << ": " << d.error().message;
  }
  EXPECT_GE(kioskExamples, 2) << "docs/devices.md and docs/kiosk.md carry kiosk.toml examples";
}

TEST(ShippedConfig, EveryTomlExampleIsClaimedByAParser) {
  for (const auto& ex : tomlExamples()) {
    const bool known = ex.text.find("[devices") != std::string::npos ||
                       ex.text.find("[kiosk]") != std::string::npos ||
                       ex.text.find("[gate]") != std::string::npos;
    EXPECT_TRUE(known) << ex.where << ": a TOML example no test loads";
  }
}

}  // namespace
