// Page frame, keyboard, fields and small drawings used by every kiosk screen.
#include "widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/layout_report.hpp"
#include "gatehouse/ui/script.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"

namespace gatehouse::kiosk::screens {
namespace {

const char* const kLatin[] = {"1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm-'."};
const char* const kCyrillic[] = {"1234567890", "йцукенгшщзх", "фывапролджэ", "ячсмитьбю-ъё"};
// Reach mode: the digits beside the letters, so the keyboard is a row lower.
const char* const kLatinReach[] = {"qwertyuiop789", "asdfghjkl456", "zxcvbnm-'.1230"};
const char* const kCyrillicReach[] = {"йцукенгшщзх789", "фывапролджэ456", "ячсмитьбю-ъё1230"};
bool gReach = false;
ReachPolicy gReachPolicy = ReachPolicy::Toggle;

std::vector<std::string> splitUtf8(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

void popLastUtf8(std::string& s) {
  while (!s.empty()) {
    const auto c = static_cast<unsigned char>(s.back());
    s.pop_back();
    if ((c & 0xC0) != 0x80) break;
  }
}

// The end of `s` that fits in `width` (what was typed last stays visible), "…" in front when cut.
std::string fitTail(const std::string& s, float width) {
  if (ImGui::CalcTextSize(s.c_str()).x <= width) return s;
  const std::string ellipsis = "…";
  std::size_t start = 0;
  while (start < s.size()) {
    do {
      ++start;
    } while (start < s.size() && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80);
    const std::string cut = ellipsis + s.substr(start);
    if (ImGui::CalcTextSize(cut.c_str()).x <= width) return cut;
  }
  return ellipsis;
}

// The start of `s` that fits in `width`, "…" at its end when cut.
std::string fitHead(const std::string& s, float width) {
  if (ImGui::CalcTextSize(s.c_str()).x <= width) return s;
  std::string cut = s;
  while (!cut.empty()) {
    popLastUtf8(cut);
    if (ImGui::CalcTextSize((cut + "…").c_str()).x <= width) return cut + "…";
  }
  return "…";
}

// "Call a guard" as a button at `rowY`, or "A guard is coming" once called, `w` wide.
void callGuard(ScreenContext& ctx, const std::string& label, float w, float rowY, float textY) {
  if (ctx.flow.session().guardCalled) {
    ImGui::SetCursorPosY(textY);
    ImGui::PushStyleColor(ImGuiCol_Text, ui::palette().success);
    ui::text(label);
    ImGui::PopStyleColor();
  } else {
    ImGui::SetCursorPosY(rowY);
    if (ui::touchButton("guard.call", label, ImVec2(w, 0), ui::ButtonStyle::Secondary))
      ctx.emit(flow::Event::of(flow::EventKind::CallGuard));
  }
}

// Header: the estate on the left; "offline" and "Call a guard" (then "A guard is coming") on the
// right, on one row as tall as a touch target.
void header(ScreenContext& ctx) {
  const ui::Palette& p = ui::palette();
  const ImGuiStyle& style = ImGui::GetStyle();
  ImGui::PushFont(ui::fonts().body);
  // The row is a touch target tall: it takes half the top padding so the page below loses little.
  const float rowY = style.WindowPadding.y * 0.5f;
  const float textY = rowY + (ui::minTouch() - ImGui::GetTextLineHeight()) * 0.5f;
  const bool called = ctx.flow.session().guardCalled;
  const std::string help = ctx.t(called ? "guard.coming" : "guard.call");
  const float helpW = called ? ImGui::CalcTextSize(help.c_str()).x
                             : std::max(ui::minTouch(), ImGui::CalcTextSize(help.c_str()).x +
                                                            style.FramePadding.x * 2);
  // In reach mode "Call a guard" is in the bottom strip: "offline" takes its place at the right.
  float right = ImGui::GetWindowWidth() - style.WindowPadding.x - (reachMode() ? 0 : helpW);
  const std::string offline = ctx.flow.online() ? std::string() : ctx.t("common.offline");
  const float offlineX =
      right - (reachMode() ? 0 : style.ItemSpacing.x * 2) - ImGui::CalcTextSize(offline.c_str()).x;
  // The estate's name gives way where the row is short (portrait): cut, "…" at its end.
  const float nameRight = offline.empty() && !reachMode() ? right : offlineX;
  ImGui::SetCursorPosY(textY);
  ImGui::PushStyleColor(ImGuiCol_Text, p.mutedText);
  ui::text(fitHead(ctx.estateName, nameRight - ImGui::GetCursorPosX() - style.ItemSpacing.x * 2));
  ImGui::PopStyleColor();
  if (!offline.empty()) {
    ImGui::SameLine(offlineX);
    ImGui::SetCursorPosY(textY);
    ImGui::PushStyleColor(ImGuiCol_Text, p.warning);
    ui::text(offline);
    ImGui::PopStyleColor();
  }
  const float afterHeader = rowY + ui::minTouch();
  // Reach mode keeps every control in the lower half: "Call a guard" goes to the strip at the
  // bottom (guardStrip), below the page.
  if (!reachMode()) {
    ImGui::SameLine(right);
    callGuard(ctx, help, helpW, rowY, textY);
  }
  ImGui::PopFont();
  ImGui::SetCursorPosY(afterHeader);
}

// Reach mode: the strip at the very bottom of the viewport, below every page, that holds
// "Call a guard": one touch target high, 1.5 mm from the bottom edge.
float guardStripHeight() { return reachMode() ? ui::minTouch() + ui::mm(1.5f) : 0.0f; }

void guardStrip(ScreenContext& ctx) {
  const ImGuiIO& io = ImGui::GetIO();
  const ImGuiStyle& style = ImGui::GetStyle();
  const float h = guardStripHeight();
  ImGui::SetNextWindowPos(ImVec2(0, io.DisplaySize.y - h));
  ImGui::SetNextWindowSize(ImVec2(io.DisplaySize.x, h));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(style.WindowPadding.x, 0));
  ImGui::Begin("##guard_strip", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleVar();
  ImGui::PushFont(ui::fonts().body);
  const bool called = ctx.flow.session().guardCalled;
  const std::string help = ctx.t(called ? "guard.coming" : "guard.call");
  const float labelW = ImGui::CalcTextSize(help.c_str()).x;
  const float w = called ? labelW
                         : std::min(ImGui::GetContentRegionAvail().x,
                                    std::max(ui::mm(90), labelW + style.FramePadding.x * 2));
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (ImGui::GetContentRegionAvail().x - w) * 0.5f);
  callGuard(ctx, help, w, 0, (ui::minTouch() - ImGui::GetTextLineHeight()) * 0.5f);
  ImGui::PopFont();
  ImGui::End();
}

ScreenContext* gPageContext = nullptr;  // the page being drawn, for its guard strip

}  // namespace

void beginPage(ScreenContext& ctx, const char* id) {
  const ImGuiIO& io = ImGui::GetIO();
  gPageContext = &ctx;
  // In reach mode the page ends above the guard strip: every screen lays out in less height.
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(io.DisplaySize.x, io.DisplaySize.y - guardStripHeight()));
  ImGui::Begin(id, nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                   ImGuiWindowFlags_NoScrollWithMouse);
  header(ctx);
  ImGui::Separator();
}

void endPage() {
  ImGui::End();
  if (reachMode() && gPageContext) guardStrip(*gPageContext);
  gPageContext = nullptr;
}

void title(const std::string& text) {
  ImGui::PushFont(ui::fonts().title);
  ImGui::PushTextWrapPos(0.0f);
  ui::text(text);
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
}

void subtitle(const std::string& text) {
  ImGui::PushFont(ui::fonts().body);
  ImGui::PushStyleColor(ImGuiCol_Text, ui::palette().mutedText);
  ImGui::PushTextWrapPos(0.0f);
  ui::text(text);
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  ImGui::PopFont();
}

float contentWidth() { return ImGui::GetContentRegionAvail().x; }

void bottomBar(int rows) {
  const float h = static_cast<float>(rows) * (ui::minTouch() + ImGui::GetStyle().ItemSpacing.y) +
                  ImGui::GetStyle().WindowPadding.y;
  const float y = ImGui::GetWindowHeight() - h;
  if (ImGui::GetCursorPosY() < y) ImGui::SetCursorPosY(y);
}

bool reachMode() { return gReach; }
void setReachMode(bool on) { gReach = on; }
void setReachPolicy(ReachPolicy policy) {
  gReachPolicy = policy;
  gReach = policy == ReachPolicy::On;
}
ReachPolicy reachPolicy() { return gReachPolicy; }

void reachLine(float height, float textAbove) {
  if (!gReach) return;
  const float y = std::max(ImGui::GetIO().DisplaySize.y * 0.5f - textAbove,  // the middle
                           ImGui::GetWindowHeight() - ImGui::GetStyle().WindowPadding.y - height);
  if (ImGui::GetCursorPosY() < y) ImGui::SetCursorPosY(y);
}

namespace {

// One key: a letter or digit, or "layout", "space", "backspace"; `units` key widths wide.
struct Key {
  std::string key;
  float units = 1;
};
using KeyRow = std::vector<Key>;

// The rows of keys. In reach mode the layout switch, backspace and space end the three letter
// rows (no row of their own); otherwise they get a row of their own, drawn by specialRow().
std::vector<KeyRow> keyRows(KeyboardLayout layout, bool digitRow) {
  std::vector<std::string> letters;
  if (layout == KeyboardLayout::Digits) {
    letters = {"123", "456", "789", "+0 "};
  } else if (layout == KeyboardLayout::DigitsWide) {
    letters = {"123456", "7890+ "};
  } else if (gReach && digitRow) {
    for (const char* r : layout == KeyboardLayout::Latin ? kLatinReach : kCyrillicReach)
      letters.emplace_back(r);
  } else {
    for (const char* r : layout == KeyboardLayout::Latin ? kLatin : kCyrillic)
      letters.emplace_back(r);
    if (!digitRow) letters.erase(letters.begin());
  }
  std::vector<KeyRow> rows;
  for (const auto& l : letters) {
    KeyRow row;
    for (auto& k : splitUtf8(l)) row.push_back({k == " " ? "backspace" : k, 1});  // pad corner
    rows.push_back(std::move(row));
  }
  const bool letterLayout = layout == KeyboardLayout::Latin || layout == KeyboardLayout::Cyrillic;
  if (letterLayout && gReach) {
    rows[0].push_back({"layout", 1.5f});
    rows[1].push_back({"backspace", 1.5f});
    rows[2].push_back({"space", 2});
  }
  return rows;
}

// Rows too wide for `avail` at the smallest key (a portrait panel) are split in two, and again.
std::vector<KeyRow> fitRows(std::vector<KeyRow> rows, float avail, float spacing) {
  std::vector<KeyRow> out;
  while (!rows.empty()) {
    KeyRow row = std::move(rows.front());
    rows.erase(rows.begin());
    float units = 0;
    for (const auto& k : row) units += k.units;
    const float need = units * ui::minTouch() + spacing * static_cast<float>(row.size() - 1);
    if (need <= avail + 0.5f || row.size() < 2) {
      out.push_back(std::move(row));
      continue;
    }
    const auto half = static_cast<std::ptrdiff_t>((row.size() + 1) / 2);
    KeyRow second(row.begin() + half, row.end());
    row.erase(row.begin() + half, row.end());
    rows.insert(rows.begin(), std::move(second));
    rows.insert(rows.begin(), std::move(row));
  }
  return out;
}

}  // namespace

float keyboardHeight(KeyboardLayout layout, bool digitRow, float width) {
  const bool letters = layout == KeyboardLayout::Latin || layout == KeyboardLayout::Cyrillic;
  const auto rows = fitRows(keyRows(layout, digitRow), width, ui::mm(1.5f)).size() +
                    (letters && !gReach ? 1 : 0);  // the row of layout, space, backspace
  return static_cast<float>(rows) * (ui::minTouch() + ui::mm(1.5f));
}

namespace {

// The widest key width that lets every row fit `avail` (letter keyboards: 12 keys at least).
float keyWidth(const std::vector<KeyRow>& rows, float avail, float spacing, bool letters) {
  float w = letters ? (avail - spacing * 11) / 12 : avail;
  for (const auto& row : rows) {
    float units = 0;
    for (const auto& k : row) units += k.units;
    w = std::min(w, (avail - spacing * static_cast<float>(row.size() - 1)) / units);
  }
  return std::max(ui::minTouch(), w);
}

// Applies one key to `text`; returns true when it changed.
bool press(const std::string& key, const std::string& label, std::string& text,
           KeyboardLayout& layout, std::size_t maxBytes) {
  if (key == "backspace") {
    popLastUtf8(text);
    return true;
  }
  if (key == "layout") {
    layout = layout == KeyboardLayout::Latin ? KeyboardLayout::Cyrillic : KeyboardLayout::Latin;
    return false;
  }
  if (key == "space") {
    if (text.empty() || text.back() == ' ' || text.size() >= maxBytes) return false;
    text += ' ';
    return true;
  }
  if (text.size() + label.size() > maxBytes) return false;
  text += label;
  return true;
}

std::string keyLabel(const std::string& key, KeyboardLayout layout, bool upper) {
  if (key == "backspace") return "⌫";
  if (key == "space") return " ";
  if (key == "layout") return layout == KeyboardLayout::Latin ? "АБВ" : "ABC";
  return upper ? ui::utf8Upper(key) : key;
}

}  // namespace

bool keyboard(std::string& text, KeyboardLayout& layout, bool capitalise, std::size_t maxBytes,
              bool digitRow) {
  bool changed = false;
  const float spacing = ui::mm(1.5f);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(spacing, spacing));
  ImGui::PushFont(ui::fonts().large);
  const bool letters = layout == KeyboardLayout::Latin || layout == KeyboardLayout::Cyrillic;
  const float avail = contentWidth();
  auto rows = fitRows(keyRows(layout, digitRow), avail, spacing);
  const float keyW = keyWidth(rows, avail, spacing, letters);
  if (letters && !gReach)  // the layout switch, space and backspace: a row of their own
    rows.push_back({{"layout", 1.5f}, {"space", 0}, {"backspace", 2}});
  const bool upper = capitalise && (text.empty() || text.back() == ' ' || text.back() == '-');
  const KeyboardLayout shown = layout;
  for (auto& row : rows) {
    float rowW = spacing * static_cast<float>(row.size() - 1);
    for (const auto& k : row) rowW += k.units * keyW;
    if (row.back().key == "backspace" && row.front().key == "layout") {  // the own row: 80 %
      row[1].units = (avail * 0.8f - keyW * 3.5f - spacing * 2) / keyW;
      rowW = avail * 0.8f;
    }
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail - rowW) * 0.5f);
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) ImGui::SameLine();
      const std::string label = keyLabel(row[i].key, shown, upper);
      if (ui::touchButton("key:" + row[i].key, label, ImVec2(row[i].units * keyW, ui::minTouch()),
                          ui::ButtonStyle::Key))
        changed = press(row[i].key, label, text, layout, maxBytes) || changed;
    }
  }
  ImGui::PopFont();
  ImGui::PopStyleVar();
  return changed;
}

bool textField(const std::string& id, const std::string& label, const std::string& text,
               const std::string& placeholder, bool active, float width) {
  const ui::Palette& p = ui::palette();
  if (!label.empty()) {
    ImGui::PushFont(ui::fonts().body);
    ui::text(label);
    ImGui::PopFont();
  }
  ImGui::PushFont(ui::fonts().large);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 size(width, ui::minTouch());
  const bool tapped = ImGui::InvisibleButton(("##" + id).c_str(), size);
  ui::TouchRegistry::instance().addVisible(id, pos, ImVec2(pos.x + size.x, pos.y + size.y), true);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), ImGui::GetColorU32(p.surface),
                    ui::mm(2));
  dl->AddRect(pos, ImVec2(pos.x + size.x, pos.y + size.y),
              ImGui::GetColorU32(active ? p.accent : p.border), ui::mm(2), 0, active ? 4.0f : 2.0f);
  const bool empty = text.empty();
  const float inset = ui::mm(4);
  const std::string shown =
      fitTail(empty ? placeholder : text + (active ? "|" : ""), size.x - 2 * inset - 2);
  const float th = ImGui::GetFontSize();
  dl->AddText(ImVec2(pos.x + inset, pos.y + (size.y - th) * 0.5f),
              ImGui::GetColorU32(empty ? p.mutedText : p.text), shown.c_str());
  const ImVec2 textSize = ImGui::CalcTextSize(shown.c_str());
  ui::LayoutReport::instance().addTouch(id, shown, pos, ImVec2(pos.x + size.x, pos.y + size.y),
                                        ImVec2(textSize.x + 2 * inset, textSize.y));
  ImGui::PopFont();
  return tapped;
}

void fittedImage(const ui::Texture& tex, float maxW, float maxH) {
  if (!tex.valid() || tex.width() == 0 || tex.height() == 0) return;
  const float scale =
      std::min(maxW / static_cast<float>(tex.width()), maxH / static_cast<float>(tex.height()));
  const ImVec2 size(static_cast<float>(tex.width()) * scale,
                    static_cast<float>(tex.height()) * scale);
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (maxW - size.x) * 0.5f);
  ImGui::Image(tex.id(), size);
}

void DragList::begin(const char* id, ImVec2 size, const std::string& contents) {
  const ImGuiIO& io = ImGui::GetIO();
  if (!io.MouseDown[0] && !io.MouseReleased[0]) dragged_ = false;  // that touch is over
  ImGui::BeginChild(id, size, false,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  if (contents != contents_) {
    contents_ = contents;
    ImGui::SetScrollY(0);
    tracking_ = false;
  }
  ui::LayoutReport::instance().beginScrollRegion();
}

void DragList::end() {
  const ImGuiIO& io = ImGui::GetIO();
  const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  const bool over = io.MousePos.x >= pos.x && io.MousePos.x < pos.x + size.x &&
                    io.MousePos.y >= pos.y && io.MousePos.y < pos.y + size.y;
  if (io.MouseClicked[0] && over) {
    tracking_ = true;
    startY_ = io.MousePos.y;
    startScroll_ = ImGui::GetScrollY();
  }
  if (tracking_ && io.MouseDown[0]) {
    const float dy = io.MousePos.y - startY_;
    if (std::fabs(dy) > ui::mm(3)) dragged_ = true;  // a shaky tap is still a tap
    if (dragged_) ImGui::SetScrollY(std::clamp(startScroll_ - dy, 0.0f, ImGui::GetScrollMaxY()));
  }
  if (!io.MouseDown[0]) tracking_ = false;
  ui::LayoutReport::instance().endScrollRegion();
  ImGui::EndChild();
}

void spinner(double seconds, float radius) {
  const ImVec2 c = ImGui::GetCursorScreenPos();
  const float avail = contentWidth();
  const ImVec2 centre(c.x + avail * 0.5f, c.y + radius);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float start = static_cast<float>(seconds * 4.0);
  dl->PathArcTo(centre, radius, start, start + 4.2f, 48);
  dl->PathStroke(ImGui::GetColorU32(ui::palette().accent), 0, radius * 0.18f);
  ImGui::Dummy(ImVec2(avail, radius * 2 + ui::mm(2)));
}

}  // namespace gatehouse::kiosk::screens
