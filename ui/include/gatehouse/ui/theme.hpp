// Light, dark and high-contrast themes with touch-sized metrics, plus the semantic colours screens
// use.
#pragma once
#include <imgui.h>

#include <optional>
#include <string_view>

namespace gatehouse::ui {

enum class Theme { Light, Dark, HighContrast };
std::optional<Theme> themeFromString(std::string_view name);
const char* toString(Theme theme);

struct Palette {
  ImVec4 background, surface, text, mutedText, accent, accentText, success, warning, danger, border;
};

// Pixels per millimetre of the display; default fits a 15.6" 1920x1080 panel (~5.6 px/mm).
void setPixelsPerMillimetre(float pxPerMm);
float mm(float millimetres);
// How much a kiosk of `width` x `height` pixels scales its fonts and millimetres: by the short
// side, 1.0 from 1080 up (a 1920x1080 panel is the design size; portrait 1080x1920 is 1.0 too).
float displayScale(int width, int height);
// The smallest touch target, 15 mm.
float minTouch();

// The colours of a theme, without applying it (contrast tests).
Palette paletteOf(Theme theme);
void applyTheme(Theme theme);
Theme currentTheme();
const Palette& palette();

}  // namespace gatehouse::ui
