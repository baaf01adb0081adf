// Theme colours and touch-sized ImGui metrics.
#include "gatehouse/ui/theme.hpp"

#include <algorithm>

namespace gatehouse::ui {
namespace {

float gPxPerMm = 5.6f;
Theme gTheme = Theme::Light;
Palette gPalette{};

ImVec4 rgb(int hex, float a = 1.0f) {
  return ImVec4(static_cast<float>((hex >> 16) & 0xFF) / 255.0f,
                static_cast<float>((hex >> 8) & 0xFF) / 255.0f,
                static_cast<float>(hex & 0xFF) / 255.0f, a);
}

Palette paletteFor(Theme t) {
  switch (t) {
    case Theme::Dark:
      return {rgb(0x12161C), rgb(0x1E252E), rgb(0xF2F4F7), rgb(0xA9B4C2), rgb(0x4C9BFF),
              rgb(0x0B1220), rgb(0x3DD68C), rgb(0xF5B942), rgb(0xFF6B6B), rgb(0x3A4654)};
    case Theme::HighContrast:
      return {rgb(0x000000), rgb(0x000000), rgb(0xFFFFFF), rgb(0xFFFFFF), rgb(0xFFFF00),
              rgb(0x000000), rgb(0x00FF66), rgb(0xFFFF00), rgb(0xFF4040), rgb(0xFFFFFF)};
    case Theme::Light:
    default:
      return {rgb(0xF4F6F9), rgb(0xFFFFFF), rgb(0x16202B), rgb(0x4E5B6A), rgb(0x0B5CD5),
              rgb(0xFFFFFF), rgb(0x137B3F), rgb(0x9A5B00), rgb(0xB3261E), rgb(0xC9D1DB)};
  }
}

}  // namespace

std::optional<Theme> themeFromString(std::string_view name) {
  if (name == "light") return Theme::Light;
  if (name == "dark") return Theme::Dark;
  if (name == "high_contrast" || name == "high-contrast") return Theme::HighContrast;
  return std::nullopt;
}

const char* toString(Theme theme) {
  switch (theme) {
    case Theme::Dark:
      return "dark";
    case Theme::HighContrast:
      return "high_contrast";
    default:
      return "light";
  }
}

void setPixelsPerMillimetre(float pxPerMm) { gPxPerMm = pxPerMm; }
float mm(float millimetres) { return millimetres * gPxPerMm; }
float displayScale(int width, int height) {
  return static_cast<float>(std::min(std::min(width, height), 1080)) / 1080.0f;
}
float minTouch() { return mm(15.0f); }

Palette paletteOf(Theme theme) { return paletteFor(theme); }
Theme currentTheme() { return gTheme; }
const Palette& palette() { return gPalette; }

void applyTheme(Theme theme) {
  gTheme = theme;
  gPalette = paletteFor(theme);
  const Palette& p = gPalette;
  ImGuiStyle& s = ImGui::GetStyle();
  s = ImGuiStyle();
  s.WindowPadding = ImVec2(mm(8), mm(6));
  s.FramePadding = ImVec2(mm(4), mm(3));
  s.ItemSpacing = ImVec2(mm(4), mm(4));
  s.ItemInnerSpacing = ImVec2(mm(2), mm(2));
  s.ScrollbarSize = mm(8);
  s.FrameRounding = mm(2);
  s.WindowRounding = 0;
  s.ChildRounding = mm(2);
  s.GrabMinSize = mm(8);
  s.WindowBorderSize = 0;
  s.FrameBorderSize = theme == Theme::HighContrast ? 3.0f : 1.0f;
  s.TouchExtraPadding = ImVec2(mm(1), mm(1));
  ImVec4* c = s.Colors;
  c[ImGuiCol_Text] = p.text;
  c[ImGuiCol_TextDisabled] = p.mutedText;
  c[ImGuiCol_WindowBg] = p.background;
  c[ImGuiCol_ChildBg] = p.surface;
  c[ImGuiCol_PopupBg] = p.surface;
  c[ImGuiCol_Border] = p.border;
  c[ImGuiCol_FrameBg] = p.surface;
  c[ImGuiCol_FrameBgHovered] = p.surface;
  c[ImGuiCol_FrameBgActive] = p.surface;
  c[ImGuiCol_Button] = p.accent;
  c[ImGuiCol_ButtonHovered] = p.accent;
  c[ImGuiCol_ButtonActive] = ImVec4(p.accent.x * 0.8f, p.accent.y * 0.8f, p.accent.z * 0.8f, 1.0f);
  c[ImGuiCol_Header] = p.surface;
  c[ImGuiCol_HeaderHovered] = p.surface;
  c[ImGuiCol_HeaderActive] = p.accent;
  c[ImGuiCol_PlotHistogram] = p.accent;
  c[ImGuiCol_ScrollbarBg] = p.background;
  c[ImGuiCol_ScrollbarGrab] = p.border;
  c[ImGuiCol_Separator] = p.border;
}

}  // namespace gatehouse::ui
