// Where each frame drew its touch targets and text, and the rules a kiosk screen must keep.
#pragma once
#include <imgui.h>

#include <optional>
#include <string>
#include <vector>

namespace gatehouse::ui {

enum class ItemKind { Touch, Text };

struct LayoutItem {
  ItemKind kind = ItemKind::Text;
  std::string id;           // touch id ("details.next"); for text, the text itself
  std::string label;        // what the visitor reads
  ImVec2 min, max;          // on screen
  ImVec2 clipMin, clipMax;  // what its window lets it show
  ImVec2 labelSize;         // a touch target's label, which must fit inside it
  bool labelFits = true;    // measured on the whole target, before a list cuts it
  float fontPx = 0;
  bool scrolls = false;  // in a list the visitor drags: only the visible part counts
};

// The items of the frame being drawn. Off unless a test turns it on; widgets report to it.
class LayoutReport {
 public:
  static LayoutReport& instance();
  void setEnabled(bool on) { enabled_ = on; }
  bool enabled() const { return enabled_; }
  void beginFrame() {
    items_.clear();
    scrollDepth_ = 0;
  }
  // Items between these lie in a list that scrolls: being cut at its edge is expected.
  void beginScrollRegion() { ++scrollDepth_; }
  void endScrollRegion() { --scrollDepth_; }
  // The last ImGui item was a touch target whose label (in the current font) is `label`.
  void addTouch(const std::string& id, const std::string& label, ImVec2 min, ImVec2 max,
                ImVec2 labelSize);
  // The last ImGui item was this text, in the current font.
  void addLastText(const std::string& text);
  const std::vector<LayoutItem>& items() const { return items_; }

 private:
  void add(LayoutItem item);
  bool enabled_ = false;
  int scrollDepth_ = 0;
  std::vector<LayoutItem> items_;
};

struct LayoutRules {
  ImVec2 viewport;
  float minTextPx = 0;                     // readable from a metre away
  std::optional<float> controlsFromY;      // reach mode: every touch target starts below this
  std::vector<std::string> requiredTouch;  // ids that must be on screen ("guard.call")
};

// One line per problem: an item leaving the viewport, clipped by its window, a label wider than
// its button, two items overlapping, text too small, a control out of reach, a required
// control missing.
std::vector<std::string> layoutProblems(const std::vector<LayoutItem>& items,
                                        const LayoutRules& rules);

// ImGui::TextUnformatted that reports itself to the LayoutReport.
void text(const std::string& s);

}  // namespace gatehouse::ui
