// DejaVu Sans (fonts-dejavu-core) at kiosk sizes, Latin + Cyrillic.
#include "gatehouse/ui/fonts.hpp"

#include <filesystem>

namespace gatehouse::ui {
namespace {
Fonts gFonts;
}

Result<Fonts> loadFonts(float scale, const std::string& fontDir) {
  const std::string dir = fontDir.empty() ? "/usr/share/fonts/truetype/dejavu" : fontDir;
  const std::string regular = dir + "/DejaVuSans.ttf";
  const std::string bold = dir + "/DejaVuSans-Bold.ttf";
  for (const auto& f : {regular, bold}) {
    if (!std::filesystem::exists(f))
      return makeError("font_missing", f + " not found (install fonts-dejavu-core)");
  }
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  // Basic Latin + Latin-1 + Cyrillic, plus the few symbols the keyboards and statuses draw.
  static ImVector<ImWchar> ranges;
  if (ranges.empty()) {
    ImFontGlyphRangesBuilder builder;
    builder.AddRanges(io.Fonts->GetGlyphRangesCyrillic());
    builder.AddText("⌫←→✓✗•…–—«»№");
    builder.BuildRanges(&ranges);
  }
  ImFontConfig cfg;
  cfg.OversampleH = 2;
  cfg.OversampleV = 1;
  Fonts f;
  f.body = io.Fonts->AddFontFromFileTTF(regular.c_str(), 30.0f * scale, &cfg, ranges.Data);
  f.large = io.Fonts->AddFontFromFileTTF(bold.c_str(), 38.0f * scale, &cfg, ranges.Data);
  f.title = io.Fonts->AddFontFromFileTTF(bold.c_str(), 56.0f * scale, &cfg, ranges.Data);
  f.huge = io.Fonts->AddFontFromFileTTF(bold.c_str(), 84.0f * scale, &cfg, ranges.Data);
  if (!f.body || !f.large || !f.title || !f.huge)
    return makeError("font_load", "ImGui could not load DejaVu Sans");
  io.FontDefault = f.body;
  gFonts = f;
  return f;
}

const Fonts& fonts() { return gFonts; }

}  // namespace gatehouse::ui
