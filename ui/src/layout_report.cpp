// The layout report: items drawn this frame and the checks the kiosk layout test applies.
#include "gatehouse/ui/layout_report.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace gatehouse::ui {
namespace {

constexpr float kSlack = 0.5f;  // sub-pixel rounding

std::string rect(const LayoutItem& i) {
  char b[96];
  std::snprintf(b, sizeof b, "(%.0f,%.0f)-(%.0f,%.0f)", i.min.x, i.min.y, i.max.x, i.max.y);
  return b;
}

std::string name(const LayoutItem& i) {
  std::string label = i.label.size() > 40 ? i.label.substr(0, 37) + "..." : i.label;
  for (char& c : label)
    if (c == '\n') c = ' ';
  return (i.kind == ItemKind::Touch ? "touch " + i.id + " \"" : std::string("text \"")) + label +
         "\" " + rect(i);
}

bool inside(ImVec2 min, ImVec2 max, ImVec2 outerMin, ImVec2 outerMax) {
  return min.x >= outerMin.x - kSlack && min.y >= outerMin.y - kSlack &&
         max.x <= outerMax.x + kSlack && max.y <= outerMax.y + kSlack;
}

bool overlap(const LayoutItem& a, const LayoutItem& b) {
  const float w = std::min(a.max.x, b.max.x) - std::max(a.min.x, b.min.x);
  const float h = std::min(a.max.y, b.max.y) - std::max(a.min.y, b.min.y);
  return w > kSlack && h > kSlack;
}

void itemProblems(const LayoutItem& i, const LayoutRules& r, std::vector<std::string>& out) {
  if (!inside(i.min, i.max, ImVec2(0, 0), r.viewport))
    out.push_back(name(i) + " leaves the viewport");
  if (!i.scrolls && !inside(i.min, i.max, i.clipMin, i.clipMax))
    out.push_back(name(i) + " is clipped by its window");
  if (!i.labelFits) out.push_back(name(i) + " has a label too big for it");
  if (i.fontPx + kSlack < r.minTextPx) {
    char b[64];
    std::snprintf(b, sizeof b, " is %.1f px, under %.1f px", i.fontPx, r.minTextPx);
    out.push_back(name(i) + b);
  }
  if (i.kind == ItemKind::Touch && r.controlsFromY && i.min.y < *r.controlsFromY - kSlack)
    out.push_back(name(i) + " is above the reach line");
}

}  // namespace

LayoutReport& LayoutReport::instance() {
  static LayoutReport report;
  return report;
}

void LayoutReport::add(LayoutItem item) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  item.clipMin = dl->GetClipRectMin();
  item.clipMax = dl->GetClipRectMax();
  item.fontPx = ImGui::GetFontSize();
  if (scrollDepth_ > 0) {
    // Only what the list shows now: the rest is reached by dragging.
    item.scrolls = true;
    item.min = ImVec2(std::max(item.min.x, item.clipMin.x), std::max(item.min.y, item.clipMin.y));
    item.max = ImVec2(std::min(item.max.x, item.clipMax.x), std::min(item.max.y, item.clipMax.y));
    if (item.max.x <= item.min.x || item.max.y <= item.min.y) return;
  }
  items_.push_back(std::move(item));
}

void LayoutReport::addTouch(const std::string& id, const std::string& label, ImVec2 min, ImVec2 max,
                            ImVec2 labelSize) {
  if (!enabled_) return;
  LayoutItem item;
  item.kind = ItemKind::Touch;
  item.id = id;
  item.label = label;
  item.min = min;
  item.max = max;
  item.labelSize = labelSize;
  item.labelFits = labelSize.x <= max.x - min.x - 2 && labelSize.y <= max.y - min.y - 2;
  add(std::move(item));
}

void LayoutReport::addLastText(const std::string& s) {
  if (!enabled_ || s.find_first_not_of(" \n") == std::string::npos) return;
  LayoutItem item;
  item.id = item.label = s;
  item.min = ImGui::GetItemRectMin();
  item.max = ImGui::GetItemRectMax();
  add(std::move(item));
}

std::vector<std::string> layoutProblems(const std::vector<LayoutItem>& items,
                                        const LayoutRules& rules) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    itemProblems(items[i], rules, out);
    for (std::size_t j = i + 1; j < items.size(); ++j) {
      if (overlap(items[i], items[j]))
        out.push_back(name(items[i]) + " overlaps " + name(items[j]));
    }
  }
  for (const std::string& id : rules.requiredTouch) {
    const bool shown = std::any_of(items.begin(), items.end(), [&](const LayoutItem& i) {
      return i.kind == ItemKind::Touch && i.id == id;
    });
    if (!shown) out.push_back("touch " + id + " is not on screen");
  }
  return out;
}

void text(const std::string& s) {
  ImGui::TextUnformatted(s.c_str());
  LayoutReport::instance().addLastText(s);
}

}  // namespace gatehouse::ui
