// Readable from a metre away: every text colour on every background it is drawn on reaches the
// WCAG AA contrast ratio of 4.5:1, in every theme.
#include <gtest/gtest.h>

#include <cmath>

#include "gatehouse/ui/theme.hpp"

namespace gatehouse::ui {
namespace {

double channel(float c) {
  const double v = c;
  return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}
double luminance(const ImVec4& c) {
  return 0.2126 * channel(c.x) + 0.7152 * channel(c.y) + 0.0722 * channel(c.z);
}
double contrast(const ImVec4& a, const ImVec4& b) {
  const double la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

TEST(ThemeContrast, TheFormulaMatchesWcag) {
  EXPECT_NEAR(contrast(ImVec4(0, 0, 0, 1), ImVec4(1, 1, 1, 1)), 21.0, 1e-9);
  EXPECT_NEAR(contrast(ImVec4(0.5f, 0.5f, 0.5f, 1), ImVec4(0.5f, 0.5f, 0.5f, 1)), 1.0, 1e-9);
}

TEST(ThemeContrast, EveryTextOnEveryBackgroundItIsDrawnOnIsAtLeast4Point5To1) {
  struct Pair {
    const char* what;
    ImVec4 Palette::*fg;
    ImVec4 Palette::*bg;
  };
  // Screens draw text, muted text and the status colours on the page and on surfaces; buttons
  // draw accentText on accent (primary) and danger, and text on surface (secondary, keys).
  const Pair pairs[] = {
      {"text/background", &Palette::text, &Palette::background},
      {"text/surface", &Palette::text, &Palette::surface},
      {"mutedText/background", &Palette::mutedText, &Palette::background},
      {"mutedText/surface", &Palette::mutedText, &Palette::surface},
      {"accentText/accent", &Palette::accentText, &Palette::accent},
      {"accentText/danger", &Palette::accentText, &Palette::danger},
      {"accent/background", &Palette::accent, &Palette::background},
      {"success/background", &Palette::success, &Palette::background},
      {"warning/background", &Palette::warning, &Palette::background},
      {"danger/background", &Palette::danger, &Palette::background},
      {"success/surface", &Palette::success, &Palette::surface},
      {"warning/surface", &Palette::warning, &Palette::surface},
      {"danger/surface", &Palette::danger, &Palette::surface},
  };
  for (Theme t : {Theme::Light, Theme::Dark, Theme::HighContrast}) {
    const Palette p = paletteOf(t);
    for (const auto& pair : pairs) {
      EXPECT_GE(contrast(p.*pair.fg, p.*pair.bg), 4.5) << toString(t) << " " << pair.what;
    }
  }
}

}  // namespace
}  // namespace gatehouse::ui
