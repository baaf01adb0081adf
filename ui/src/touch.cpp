// Touch buttons that record their rectangles for the scripted driver.
#include "gatehouse/ui/touch.hpp"

#include "gatehouse/ui/theme.hpp"

namespace gatehouse::ui {

TouchRegistry& TouchRegistry::instance() {
  static TouchRegistry registry;
  return registry;
}

void TouchRegistry::beginFrame() {
  ++frame_;
  for (auto it = targets_.begin(); it != targets_.end();) {
    it = it->second.frame < frame_ - 1 ? targets_.erase(it) : std::next(it);
  }
}

void TouchRegistry::add(const std::string& id, ImVec2 min, ImVec2 max, bool enabled) {
  targets_[id] = TouchTarget{min, max, enabled, frame_};
}

const TouchTarget* TouchRegistry::find(const std::string& id) const {
  auto it = targets_.find(id);
  if (it == targets_.end() || it->second.frame < frame_ - 1) return nullptr;
  return &it->second;
}

bool touchButton(const std::string& id, const std::string& label, ImVec2 size, ButtonStyle style,
                 bool enabled) {
  const Palette& p = palette();
  if (size.y < minTouch()) size.y = minTouch();
  if (size.x > 0 && size.x < minTouch()) size.x = minTouch();
  ImVec4 bg = p.accent, fg = p.accentText;
  if (style == ButtonStyle::Secondary || style == ButtonStyle::Key) {
    bg = p.surface;
    fg = p.text;
  } else if (style == ButtonStyle::Danger) {
    bg = p.danger;
    fg = p.accentText;
  }
  if (!enabled) {
    bg.w = 0.35f;
    fg.w = 0.6f;
  }
  ImGui::PushStyleColor(ImGuiCol_Button, bg);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, bg);
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(bg.x * 0.8f, bg.y * 0.8f, bg.z * 0.8f, bg.w));
  ImGui::PushStyleColor(ImGuiCol_Text, fg);
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, style == ButtonStyle::Primary ? 0.0f : 2.0f);
  const std::string full = label + "###" + id;
  bool pressed = ImGui::Button(full.c_str(), size);
  TouchRegistry::instance().add(id, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), enabled);
  ImGui::PopStyleVar();
  ImGui::PopStyleColor(4);
  return pressed && enabled;
}

void centeredText(const std::string& text, ImFont* font, ImVec4 color) {
  if (font) ImGui::PushFont(font);
  const float avail = ImGui::GetContentRegionAvail().x;
  const ImVec2 size = ImGui::CalcTextSize(text.c_str(), nullptr, false, avail);
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail - size.x) * 0.5f);
  if (color.w > 0) ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + size.x + 1.0f);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  if (color.w > 0) ImGui::PopStyleColor();
  if (font) ImGui::PopFont();
}

}  // namespace gatehouse::ui
