// DejaVu Sans at kiosk sizes (readable from a metre away) with Latin and Cyrillic glyphs.
#pragma once
#include <imgui.h>

#include <string>

#include "gatehouse/core/result.hpp"

namespace gatehouse::ui {

struct Fonts {
  ImFont* body = nullptr;   // running text
  ImFont* large = nullptr;  // buttons, fields
  ImFont* title = nullptr;  // screen titles
  ImFont* huge = nullptr;   // one-word statuses
};

// Loads from fontDir (default /usr/share/fonts/truetype/dejavu). `scale` multiplies every size.
Result<Fonts> loadFonts(float scale = 1.0f, const std::string& fontDir = {});
const Fonts& fonts();

}  // namespace gatehouse::ui
