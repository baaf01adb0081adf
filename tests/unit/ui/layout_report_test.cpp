// The layout rules on hand-made items: each kind of violation is found, a clean screen has none.
#include "gatehouse/ui/layout_report.hpp"

#include <gtest/gtest.h>

namespace gatehouse::ui {
namespace {

LayoutItem touch(const std::string& id, ImVec2 min, ImVec2 max, ImVec2 label = {40, 20}) {
  LayoutItem i;
  i.kind = ItemKind::Touch;
  i.id = i.label = id;
  i.min = min;
  i.max = max;
  i.clipMin = {0, 0};
  i.clipMax = {1920, 1080};
  i.labelSize = label;
  i.labelFits = label.x <= max.x - min.x - 2 && label.y <= max.y - min.y - 2;
  i.fontPx = 30;
  return i;
}

LayoutItem text(const std::string& s, ImVec2 min, ImVec2 max, float px = 30) {
  LayoutItem i = touch(s, min, max);
  i.kind = ItemKind::Text;
  i.labelFits = true;
  i.fontPx = px;
  return i;
}

const LayoutRules kRules{ImVec2(1920, 1080), 28, std::nullopt, {}};

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& l : v) s += l + "\n";
  return s;
}

TEST(LayoutRules, ACleanScreenHasNoProblem) {
  const std::vector<LayoutItem> items{text("Who are you visiting?", {40, 40}, {600, 100}),
                                      touch("nav.back", {40, 980}, {300, 1064}),
                                      touch("details.next", {1600, 980}, {1880, 1064})};
  EXPECT_EQ(joined(layoutProblems(items, kRules)), "");
}

TEST(LayoutRules, FindsEachKindOfViolation) {
  LayoutItem clipped = text("Долгий текст", {40, 300}, {900, 340});
  clipped.clipMax = {800, 1080};
  const std::vector<LayoutItem> items{
      touch("details.next", {1600, 1040}, {1880, 1124}),        // below the screen
      touch("purpose.taxi", {40, 500}, {200, 584}, {220, 30}),  // label wider than it
      text("tiny", {40, 700}, {100, 720}, 17),                  // unreadable from a metre
      touch("a", {1000, 200}, {1200, 284}),
      touch("b", {1150, 250}, {1300, 334}),  // overlap
      clipped};
  const std::string p = joined(layoutProblems(items, kRules));
  EXPECT_NE(
      p.find("touch details.next \"details.next\" (1600,1040)-(1880,1124) leaves the viewport"),
      std::string::npos)
      << p;
  EXPECT_NE(p.find("purpose.taxi \"purpose.taxi\" (40,500)-(200,584) has a label too big"),
            std::string::npos)
      << p;
  EXPECT_NE(p.find("text \"tiny\" (40,700)-(100,720) is 17.0 px, under 28.0 px"), std::string::npos)
      << p;
  EXPECT_NE(p.find("touch a \"a\" (1000,200)-(1200,284) overlaps touch b"), std::string::npos) << p;
  EXPECT_NE(p.find("text \"Долгий текст\" (40,300)-(900,340) is clipped by its window"),
            std::string::npos)
      << p;
  EXPECT_EQ(layoutProblems(items, kRules).size(), 6u) << p;  // off screen is also clipped
}

// Reach mode wants "Call a guard" on every screen, below the line like every control.
TEST(LayoutRules, ARequiredControlMustBeOnScreen) {
  LayoutRules reach = kRules;
  reach.controlsFromY = 540;
  reach.requiredTouch = {"guard.call"};
  const std::vector<LayoutItem> without{touch("welcome.exit", {40, 600}, {600, 684})};
  EXPECT_EQ(joined(layoutProblems(without, reach)), "touch guard.call is not on screen\n");
  const std::vector<LayoutItem> high{touch("welcome.exit", {40, 600}, {600, 684}),
                                     touch("guard.call", {1500, 10}, {1880, 94})};
  EXPECT_EQ(joined(layoutProblems(high, reach)),
            "touch guard.call \"guard.call\" (1500,10)-(1880,94) is above the reach line\n");
  const std::vector<LayoutItem> low{touch("welcome.exit", {40, 600}, {600, 684}),
                                    touch("guard.call", {700, 990}, {1220, 1074})};
  EXPECT_EQ(joined(layoutProblems(low, reach)), "");
}

TEST(LayoutRules, ReachModeWantsEveryControlBelowTheLine) {
  LayoutRules reach = kRules;
  reach.controlsFromY = 540;
  const std::vector<LayoutItem> items{text("A title may stay on top", {40, 40}, {600, 100}),
                                      touch("welcome.walk_in", {40, 400}, {600, 534}),
                                      touch("welcome.exit", {40, 600}, {600, 684})};
  const auto p = layoutProblems(items, reach);
  ASSERT_EQ(p.size(), 1u) << joined(p);
  EXPECT_NE(p[0].find("welcome.walk_in"), std::string::npos);
  EXPECT_NE(p[0].find("above the reach line"), std::string::npos);
}

TEST(LayoutRules, ItemsInADraggedListAreJudgedByWhatShows) {
  LayoutItem row = touch("unit.A-101", {40, 600}, {300, 640});  // already cut to the list
  row.clipMax = {1920, 640};
  row.scrolls = true;
  EXPECT_EQ(joined(layoutProblems({row}, kRules)), "");
}

}  // namespace
}  // namespace gatehouse::ui
