// Touch buttons that record their rectangles for the scripted driver.
#include "gatehouse/ui/touch.hpp"

#include <algorithm>
#include <cstdio>

#include "gatehouse/ui/layout_report.hpp"
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

void TouchRegistry::addVisible(const std::string& id, ImVec2 min, ImVec2 max, bool enabled) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 cmin = dl->GetClipRectMin(), cmax = dl->GetClipRectMax();
  min = ImVec2(std::max(min.x, cmin.x), std::max(min.y, cmin.y));
  max = ImVec2(std::min(max.x, cmax.x), std::min(max.y, cmax.y));
  if (max.x > min.x && max.y > min.y) add(id, min, max, enabled);
}

const TouchTarget* TouchRegistry::find(const std::string& id) const {
  auto it = targets_.find(id);
  if (it == targets_.end() || it->second.frame < frame_ - 1) return nullptr;
  return &it->second;
}

std::vector<std::string> TouchRegistry::layoutProblems(ImVec2 viewport) const {
  int latest = 0;
  for (const auto& [id, t] : targets_) latest = std::max(latest, t.frame);
  std::vector<std::pair<std::string, const TouchTarget*>> drawn;
  for (const auto& [id, t] : targets_)
    if (t.frame == latest) drawn.emplace_back(id, &t);
  auto rect = [](const TouchTarget& t) {
    char b[96];
    std::snprintf(b, sizeof b, "(%.0f,%.0f)-(%.0f,%.0f)", t.min.x, t.min.y, t.max.x, t.max.y);
    return std::string(b);
  };
  constexpr float kSlack = 0.5f;  // sub-pixel rounding
  std::vector<std::string> out;
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    const TouchTarget& a = *drawn[i].second;
    if (a.min.x < -kSlack || a.min.y < -kSlack || a.max.x > viewport.x + kSlack ||
        a.max.y > viewport.y + kSlack)
      out.push_back(drawn[i].first + " " + rect(a) + " leaves the viewport");
    for (std::size_t j = i + 1; j < drawn.size(); ++j) {
      const TouchTarget& b = *drawn[j].second;
      const float w = std::min(a.max.x, b.max.x) - std::max(a.min.x, b.min.x);
      const float h = std::min(a.max.y, b.max.y) - std::max(a.min.y, b.min.y);
      if (w > kSlack && h > kSlack)
        out.push_back(drawn[i].first + " " + rect(a) + " overlaps " + drawn[j].first + " " +
                      rect(b));
    }
  }
  return out;
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
  TouchRegistry::instance().addVisible(id, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(),
                                       enabled);
  LayoutReport::instance().addTouch(id, label, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(),
                                    ImGui::CalcTextSize(label.c_str()));
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
  LayoutReport::instance().addLastText(text);
  ImGui::PopTextWrapPos();
  if (color.w > 0) ImGui::PopStyleColor();
  if (font) ImGui::PopFont();
}

}  // namespace gatehouse::ui
