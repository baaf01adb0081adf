// Kiosk building blocks shared by the screens: page frame, title, on-screen keyboard, text field.
#pragma once
#include <string>

#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"
#include "screen.hpp"

namespace gatehouse::kiosk::screens {

// Starts the full-window page (header with estate, offline banner). Pair with endPage().
void beginPage(ScreenContext& ctx, const char* id);
void endPage();
void title(const std::string& text);
void subtitle(const std::string& text);
// A row of buttons at the bottom of the page; call before drawing them.
void bottomBar(int rows = 1);
float contentWidth();

// Reach mode, for visitors in a wheelchair: every control in the lower half of the screen. The
// visitor turns it on on Welcome; the visit's end (ScreenSet::resetAll) turns it off.
bool reachMode();
void setReachMode(bool on);
// The kiosk's `[ui] reach_mode`: Toggle (usual layout, the visitor's switch on Welcome), On (every
// visitor gets reach mode, no switch), Off (the usual layout, no switch). Sets the mode too.
enum class ReachPolicy { Toggle, On, Off };
void setReachPolicy(ReachPolicy policy);
ReachPolicy reachPolicy();
// In reach mode, moves the cursor down to where `height` (of controls) ends at the bottom of the
// page, and at least to the middle of the screen; otherwise does nothing.
// `textAbove`: the first pixels of `height` are text (labels), which may sit above the middle.
void reachLine(float height, float textAbove = 0);

// DigitsWide: the digits in two rows of six (a phone number typed in reach mode).
enum class KeyboardLayout { Latin, Cyrillic, Digits, DigitsWide };
// Draws an on-screen keyboard and applies the key pressed to `text`. Returns true when it changed.
// `capitalise` upper-cases the first letter of each word (names); `digitRow` false leaves out
// the row of digits (names), so the keyboard takes one row less. In reach mode the digits join
// the letter rows and so do the layout switch, space and backspace (three rows). keyboardHeight()
// is what it takes.
bool keyboard(std::string& text, KeyboardLayout& layout, bool capitalise, std::size_t maxBytes = 64,
              bool digitRow = true);
// Rows too wide for a narrow (portrait) panel are split, so the keys keep 15 mm.
float keyboardHeight(KeyboardLayout layout, bool digitRow, float width = contentWidth());
// A tappable field showing `text` (or `placeholder`); returns true when tapped.
bool textField(const std::string& id, const std::string& label, const std::string& text,
               const std::string& placeholder, bool active, float width);
// An image fitted into `size`, preserving aspect ratio, centred.
void fittedImage(const ui::Texture& tex, float maxW, float maxH);
void spinner(double seconds, float radius);

// A list the visitor scrolls by dragging a finger (a touch screen has no wheel). Buttons inside
// check dragging(): the touch that scrolled must not also choose the row it was lifted over.
class DragList {
 public:
  // A child window, back at the top whenever `contents` changes (a new search); pair with end().
  void begin(const char* id, ImVec2 size, const std::string& contents);
  void end();  // applies this frame's drag, ends the child
  bool dragging() const { return dragged_; }

 private:
  bool tracking_ = false;  // the current touch started inside the list
  bool dragged_ = false;   // ... and has moved far enough to be a drag
  float startY_ = 0;
  float startScroll_ = 0;
  std::string contents_;
};

}  // namespace gatehouse::kiosk::screens
