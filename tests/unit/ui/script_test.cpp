// The scripted-input driver's parsing and keyboard mapping (no window needed).
#include "gatehouse/ui/script.hpp"

#include <gtest/gtest.h>

#include "gatehouse/ui/theme.hpp"

namespace gatehouse::ui {
namespace {

TEST(Script, ParsesCommandsSkippingCommentsAndBlankLines) {
  auto s = parseScript(
      "# a visitor\n\ntap welcome.walk_in\n  type Ivan Petrov  \nwait-screen photo 20\nscan "
      "GH1:abc\n");
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 4u);
  EXPECT_EQ((*s)[0].command, "tap");
  EXPECT_EQ((*s)[0].argument, "welcome.walk_in");
  EXPECT_EQ((*s)[0].number, 3);
  EXPECT_EQ((*s)[1].argument, "Ivan Petrov");
  EXPECT_EQ((*s)[3].command, "scan");
}

TEST(Script, AMissingArgumentNamesTheLine) {
  auto s = parseScript("tap a\nwait-screen\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "line 2: wait-screen needs an argument");
}

TEST(Script, ADragWithoutDistancesIsRefusedWithItsLine) {
  auto s = parseScript("drag unit.A-101 0 -200\ndrag unit.A-101 -200\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "line 2: drag needs a touch id and two distances (drag ID DX DY)");
  EXPECT_TRUE(parseScript("drag unit.A-101 0 -200\n").ok());
}

TEST(Script, TypingMapsToKeyboardKeysInLatinAndCyrillic) {
  EXPECT_EQ(keyIdsFor("Ab 1"), (std::vector<std::string>{"key:a", "key:b", "key:space", "key:1"}));
  EXPECT_EQ(keyIdsFor("Ёж"), (std::vector<std::string>{"key:ё", "key:ж"}));
  EXPECT_EQ(utf8Upper("ольга-мария"), "ОЛЬГА-МАРИЯ");
  EXPECT_EQ(utf8Lower("ИВАН Petrov"), "иван petrov");
}

TEST(Script, ScreenNamesMatchOneOfTheAlternatives) {
  EXPECT_TRUE(screenMatches("done|device_problem", "device_problem"));
  EXPECT_TRUE(screenMatches("done", "done"));
  EXPECT_FALSE(screenMatches("done|device_problem", "don"));
  EXPECT_FALSE(screenMatches("awaiting_guard", "awaiting_guard_pin"));
  EXPECT_FALSE(screenMatches("", "welcome"));
}

// The player runs app commands (here "mark X") and skips the guard's lines unless the kiosk is
// on the guard screen, as the demo's scripted visitor does after its long wait.
std::vector<std::string> playOn(const std::string& screen) {
  auto lines =
      parseScript("skip-unless-screen awaiting_guard|guard_pin 2\nmark pin\nmark ok\nmark end\n");
  EXPECT_TRUE(lines.ok());
  std::vector<std::string> ran;
  ScriptPlayer player(*lines, {[&] { return screen; },
                               [&](const ScriptLine& l) -> Status {
                                 ran.push_back(l.argument);
                                 return Ok{};
                               }});
  for (int frame = 0; frame < 10 && !player.finished(); ++frame) player.afterFrame();
  EXPECT_FALSE(player.failed()) << player.error();
  return ran;
}

TEST(Script, SkipUnlessScreenSkipsTheNextLinesOnAnotherScreen) {
  EXPECT_EQ(playOn("awaiting_guard"), (std::vector<std::string>{"pin", "ok", "end"}));
  EXPECT_EQ(playOn("done"), (std::vector<std::string>{"end"}));
}

TEST(Theme, NamesRoundTripAndTouchTargetsAreFifteenMillimetres) {
  for (auto t : {Theme::Light, Theme::Dark, Theme::HighContrast})
    EXPECT_EQ(themeFromString(toString(t)), t);
  EXPECT_FALSE(themeFromString("pink"));
  setPixelsPerMillimetre(5.6f);
  EXPECT_FLOAT_EQ(minTouch(), 84.0f);
}

}  // namespace
}  // namespace gatehouse::ui
