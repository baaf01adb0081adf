// config/kiosk.toml: good files parse, bad ones fail with the file, line and reason.
#include "gatehouse/kiosk/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace gatehouse::kiosk {
namespace {

const char* kGood = R"(
[kiosk]
estate_id = 1
kiosk_id = 2
token = "demo-kiosk-2-token"

[database]
url = "postgresql:///gatehouse"

[devices]
camera = "simulated"
printer = "cups:badges"

[timeouts]
approval_seconds = 45

[ui]
languages = ["en", "ru"]
default_language = "ru"
theme = "dark"
)";

std::string errorOf(const std::string& text) {
  auto r = parseConfig(text, "kiosk.toml");
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error().message;
}

TEST(KioskConfig, ParsesAGoodFile) {
  auto r = parseConfig(kGood);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->kioskId, 2);
  EXPECT_EQ(r->token, "demo-kiosk-2-token");
  EXPECT_EQ(r->printer, "cups:badges");
  EXPECT_EQ(r->approvalSeconds, 45);
  EXPECT_EQ(r->idleSeconds, 60);  // default kept
  EXPECT_EQ(r->defaultLanguage, "ru");
  EXPECT_EQ(r->theme, "dark");
}

TEST(KioskConfig, WrongTypeNamesLineAndKey) {
  EXPECT_EQ(errorOf("[kiosk]\nestate_id = 1\nkiosk_id = \"two\"\ntoken = \"t\"\n"),
            "kiosk.toml:3: 'kiosk_id' must be an integer");
}

TEST(KioskConfig, MissingRequiredKeyNamesTheSection) {
  EXPECT_EQ(errorOf("\n[kiosk]\nestate_id = 1\nkiosk_id = 2\n"),
            "kiosk.toml:2: [kiosk] needs 'token'");
}

TEST(KioskConfig, UnknownKeyIsATypoNotADefault) {
  EXPECT_EQ(
      errorOf("[kiosk]\nestate_id = 1\nkiosk_id = 2\ntoken = \"t\"\n[timeouts]\nidle_secs = 5\n"),
      "kiosk.toml:6: unknown key 'idle_secs' in [timeouts]");
}

TEST(KioskConfig, SyntaxErrorNamesTheLine) {
  const std::string msg = errorOf("[kiosk]\nestate_id = 1\nkiosk_id = = 2\n");
  EXPECT_EQ(msg.rfind("kiosk.toml:3: ", 0), 0u) << msg;
}

TEST(KioskConfig, BadValuesNameTheirLine) {
  const std::string base = "[kiosk]\nestate_id = 1\nkiosk_id = 2\ntoken = \"t\"\n";
  EXPECT_EQ(errorOf(base + "[ui]\ntheme = \"pink\"\n"),
            "kiosk.toml:6: 'theme' must be light, dark or high_contrast, not \"pink\"");
  EXPECT_EQ(errorOf(base + "[timeouts]\napproval_seconds = 0\n"),
            "kiosk.toml:6: 'approval_seconds' must be between 1 and 3600");
  EXPECT_EQ(errorOf(base + "[devices]\nprinter = \"laser\"\n"),
            "kiosk.toml:6: 'printer' must be \"simulated\" or \"cups:QUEUE\", not \"laser\"");
  EXPECT_EQ(errorOf(base + "[ui]\nlanguages = [\"en\"]\ndefault_language = \"ru\"\n"),
            "kiosk.toml:7: 'default_language' \"ru\" is not in 'languages'");
  EXPECT_EQ(errorOf(base + "[printer]\nx = 1\n"), "kiosk.toml:5: unknown section [printer]");
}

TEST(KioskConfig, EnvironmentOverridesTheDatabaseUrl) {
  auto r = parseConfig(kGood);
  ASSERT_TRUE(r.ok());
  KioskConfig c = r.value();
  setenv("GATEHOUSE_DATABASE_URL", "postgresql:///other", 1);
  applyEnvironment(c);
  unsetenv("GATEHOUSE_DATABASE_URL");
  EXPECT_EQ(c.databaseUrl, "postgresql:///other");
}

TEST(KioskConfig, TheShippedExampleIsValid) {
  auto r = loadConfig(std::string(std::getenv("GATEHOUSE_SOURCE_DIR")) + "/config/kiosk.toml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->kioskId, 1);
}

TEST(KioskConfig, SpokenPromptsAreOnOrOffPerKiosk) {
  const std::string base = "[kiosk]\nestate_id = 1\nkiosk_id = 2\ntoken = \"t\"\n[ui]\n";
  auto off = parseConfig(base);
  ASSERT_TRUE(off.ok()) << off.error().message;
  EXPECT_FALSE(off->spokenPrompts);
  auto on = parseConfig(base + "spoken_prompts = true\n");
  ASSERT_TRUE(on.ok()) << on.error().message;
  EXPECT_TRUE(on->spokenPrompts);
  EXPECT_EQ(errorOf(base + "spoken_prompts = \"yes\"\n"),
            "kiosk.toml:6: 'spoken_prompts' must be true or false");
}

TEST(KioskConfig, ReachModeIsSetPerKiosk) {
  const std::string base = "[kiosk]\nestate_id = 1\nkiosk_id = 2\ntoken = \"t\"\n[ui]\n";
  auto fallback = parseConfig(base);
  ASSERT_TRUE(fallback.ok()) << fallback.error().message;
  EXPECT_EQ(fallback->reachMode, "toggle");
  for (const char* mode : {"toggle", "on", "off"}) {
    auto r = parseConfig(base + "reach_mode = \"" + mode + "\"\n");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->reachMode, mode);
  }
  EXPECT_EQ(errorOf(base + "reach_mode = \"low\"\n"),
            "kiosk.toml:6: 'reach_mode' must be toggle, on or off, not \"low\"");
  EXPECT_EQ(errorOf(base + "reach_mode = true\n"), "kiosk.toml:6: 'reach_mode' must be a string");
}

TEST(KioskConfig, MissingFileSaysSo) {
  auto r = loadConfig("/nonexistent/kiosk.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "/nonexistent/kiosk.toml: cannot open");
}

TEST(KioskConfig, ReadsTheGateAndTheUsbDevices) {
  const std::string base = "[kiosk]\nestate_id = 1\nkiosk_id = 2\ntoken = \"t\"\n";
  auto c =
      parseConfig(base +
                  "[devices]\nscanner = \"usb\"\n[devices.usb]\ndriver = \"simulated\"\n"
                  "wedge_devices = [\"0c2e:0b61\"]\n[gate]\nenabled = true\nentry_channel = 3\n"
                  "exit_channel = 4\npulse_ms = 500\nwait_for_badge = false\n"
                  "directions = \"Lifts ahead\"\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->scanner, "usb");
  EXPECT_EQ(c->usb.driver, "simulated");
  EXPECT_EQ(c->usb.wedgeDevices, std::vector<std::string>{"0c2e:0b61"});
  EXPECT_TRUE(c->gate.enabled);
  EXPECT_EQ(c->gate.entryChannel, 3);
  EXPECT_EQ(c->gate.exitChannel, 4);
  EXPECT_EQ(c->gate.pulseMs, 500);
  EXPECT_FALSE(c->gate.waitForBadge);
  EXPECT_EQ(c->gate.directions, "Lifts ahead");
  auto off = parseConfig(base);
  ASSERT_TRUE(off);
  EXPECT_FALSE(off->gate.enabled);
}

TEST(KioskConfig, DeviceTablesUseTheDevicesParser) {
  const std::string base = "[kiosk]\nestate_id = 1\nkiosk_id = 2\ntoken = \"t\"\n";
  auto c = parseConfig(base +
                       "[devices.camera]\ndriver = \"v4l2\"\ndevice = \"1\"\n"
                       "[devices.printer]\ndriver = \"cups\"\nqueue = \"front\"\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->camera, "device:1");
  EXPECT_EQ(c->printer, "cups:front");
  EXPECT_EQ(errorOf(base + "[devices.usb]\nrelay_chanel = 2\n"),
            "kiosk.toml:5: unknown key devices.usb.relay_chanel");
}

TEST(KioskConfig, BadGateValuesNameTheirLine) {
  const std::string base = "[kiosk]\nestate_id = 1\nkiosk_id = 2\ntoken = \"t\"\n";
  EXPECT_EQ(errorOf(base + "[gate]\nentry_channel = 9\n"),
            "kiosk.toml:6: 'entry_channel' must be between 1 and 8");
  EXPECT_EQ(errorOf(base + "[gate]\nenabled = \"yes\"\n"),
            "kiosk.toml:6: 'enabled' must be true or false");
  EXPECT_EQ(errorOf(base + "[gate]\nexit_door = 2\n"),
            "kiosk.toml:6: unknown key 'exit_door' in [gate]");
  EXPECT_EQ(
      errorOf(base + "[devices.usb]\ndriver = \"none\"\n[gate]\nenabled = true\n"),
      "kiosk.toml:7: [gate] is enabled but [devices.usb] driver is \"none\" (no relay board)");
  EXPECT_EQ(errorOf(base + "[devices]\nscanner = \"usb\"\n[devices.usb]\ndriver = \"none\"\n"),
            "kiosk.toml:6: 'scanner' is \"usb\" but [devices.usb] driver is \"none\"");
}

}  // namespace
}  // namespace gatehouse::kiosk
