// Touch widgets that register where they are drawn, so a scripted driver can tap them by id.
#pragma once
#include <imgui.h>

#include <map>
#include <string>
#include <vector>

namespace gatehouse::ui {

struct TouchTarget {
  ImVec2 min, max;
  bool enabled = true;
  int frame = 0;
};

// Where each id'd widget was drawn in the last frames (cleared of stale entries every frame).
class TouchRegistry {
 public:
  static TouchRegistry& instance();
  void beginFrame();
  void add(const std::string& id, ImVec2 min, ImVec2 max, bool enabled);
  // add() for the part the current ImGui clip rect shows (a row scrolled out of a list is not
  // there to tap); nothing when none of it shows.
  void addVisible(const std::string& id, ImVec2 min, ImVec2 max, bool enabled);
  const TouchTarget* find(const std::string& id) const;  // only if drawn in the last frame
  // The layout test: every target of the latest frame lies inside the viewport and overlaps no
  // other. Returns one line per problem ("details.next leaves the viewport ...").
  std::vector<std::string> layoutProblems(ImVec2 viewport) const;

 private:
  std::map<std::string, TouchTarget> targets_;
  int frame_ = 0;
};

enum class ButtonStyle { Primary, Secondary, Danger, Key };

// A big button at least minTouch() tall. `id` is stable across languages ("welcome.walk_in").
bool touchButton(const std::string& id, const std::string& label, ImVec2 size = {0, 0},
                 ButtonStyle style = ButtonStyle::Primary, bool enabled = true);
// Text centred horizontally in the current window, wrapped at `wrapWidth` (0 = window width).
void centeredText(const std::string& text, ImFont* font = nullptr, ImVec4 color = {0, 0, 0, 0});

}  // namespace gatehouse::ui
