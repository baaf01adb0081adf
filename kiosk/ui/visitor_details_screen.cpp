// Visitor name, phone and purpose on the on-screen keyboard; scanning an ID fills the name and
// shows what was read.
#include <imgui.h>

#include <algorithm>

#include "document_card.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/layout_report.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"
#include "widgets.hpp"

namespace gatehouse::kiosk::screens {
namespace {

constexpr const char* kPurposes[] = {"guest", "delivery", "contractor", "taxi"};

class VisitorDetailsScreen final : public Screen {
 public:
  void reset() override {
    name_.clear();
    phone_.clear();
    purpose_.clear();
    field_ = kName;
    seeded_ = false;
    scannedHash_.clear();
    replaceOnType_ = false;
    editing_ = false;
  }
  void draw(ScreenContext& ctx) override {
    const auto& s = ctx.flow.session();
    if (!seeded_) {  // coming back from the photo keeps what was typed
      seeded_ = true;
      name_ = s.visitor.name;
      phone_ = s.visitor.phone;
      purpose_ = s.visitor.purpose;
      layout_ = s.language == "ru" ? KeyboardLayout::Cyrillic : KeyboardLayout::Latin;
    }
    fillFromIdScan(s.visitor);
    beginPage(ctx, "visitor_details");
    title(ctx.t("details.title"));
    std::string unit = s.unit ? s.unit->label : "";
    const bool guide = ctx.previewHint.rfind("id.", 0) == 0;  // MRZ guidance from the camera
    subtitle(ctx.tr.format("details.visiting", {{"unit", unit}}) + "   " +
             ctx.t(guide ? "details." + ctx.previewHint : std::string("details.scan_hint")));
    if (reachMode() && s.reason == "details_incomplete") {
      ImGui::PushStyleColor(ImGuiCol_Text, ui::palette().danger);
      ui::text(ctx.t("details.incomplete"));
      ImGui::PopStyleColor();
    }
    const float w = contentWidth();
    // The card is text: in reach mode it may stay up here, above the controls.
    if (reachMode() && cardShown(s)) documentCard(ctx, s.document, w);
    if (!reachMode()) {
      fields(ctx, w);
      purposes(ctx, w, s.reason == "details_incomplete");
      keysOrCard(ctx, w);
    } else if (editing_) {  // reach mode, typing: the field and its keyboard, low
      const float doneW = ui::mm(50);
      const float sp = ImGui::GetStyle().ItemSpacing.x;
      reachLine(ui::minTouch() + ImGui::GetStyle().ItemSpacing.y +
                (field_ == kName ? keyboardHeight(layout_, false)
                                 : keyboardHeight(KeyboardLayout::DigitsWide, false, w * 0.4f)));
      field(ctx, field_, w - doneW - sp, false);
      ImGui::SameLine();
      if (ui::touchButton("details.done", ctx.t("common.done"), ImVec2(doneW, 0))) editing_ = false;
      keys(w);
    } else {  // reach mode: fields, purposes and the way on, all low; a tap on a field types
      const float labelH = ImGui::GetFontSize() + ImGui::GetStyle().ItemSpacing.y;
      const float rowH = ui::minTouch() + ImGui::GetStyle().ItemSpacing.y;
      // The fields' labels are words, not controls: they may sit just above the middle.
      reachLine(2 * (labelH + rowH) + rowH + ImGui::GetStyle().WindowPadding.y, labelH);
      fields(ctx, w);
      purposes(ctx, w, false);  // "incomplete" is said under the subtitle, above the controls
    }
    if (!editing_ || !reachMode()) nav(ctx);
    endPage();
  }

 private:
  // Name and phone side by side, each with its label. In reach mode a tap opens its keyboard.
  void fields(ScreenContext& ctx, float w) {
    const float half = (w - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    field(ctx, kName, half, true);
    ImGui::SameLine();
    field(ctx, kPhone, half, true);
  }
  void field(ScreenContext& ctx, int which, float width, bool labelled) {
    const char* key = which == kName ? "details.name" : "details.phone";
    ImGui::BeginGroup();
    if (textField(key, labelled ? ctx.t(key) : std::string(), which == kName ? name_ : phone_,
                  ctx.t(which == kName ? "details.name_placeholder" : "details.phone_placeholder"),
                  field_ == which, width)) {
      field_ = which;
      editing_ = reachMode();
    }
    ImGui::EndGroup();
  }
  void purposes(ScreenContext& ctx, float w, bool incomplete) {
    ImGui::PushFont(ui::fonts().body);
    ui::text(ctx.t("details.purpose"));
    ImGui::PopFont();
    const float chipW = (w - ImGui::GetStyle().ItemSpacing.x * 3) / 4;
    for (std::size_t i = 0; i < std::size(kPurposes); ++i) {
      if (i) ImGui::SameLine();
      const std::string p = kPurposes[i];
      if (ui::touchButton("purpose." + p, ctx.t("purpose." + p), ImVec2(chipW, 0),
                          purpose_ == p ? ui::ButtonStyle::Primary : ui::ButtonStyle::Secondary)) {
        purpose_ = p;
      }
    }
    if (incomplete) {
      ImGui::PushStyleColor(ImGuiCol_Text, ui::palette().danger);
      ui::text(ctx.t("details.incomplete"));
      ImGui::PopStyleColor();
    }
  }
  // Below the purposes: the keyboard of the field being typed in, or the card of an ID read where
  // the keyboard would be (a 16:9 panel has no room for both); the phone's pad fits beside it.
  // Typing a name of one's own starts with a tap on the name: the card steps aside for the
  // keyboard and is gone at the first key (cardShown).
  void keysOrCard(ScreenContext& ctx, float w) {
    const auto& s = ctx.flow.session();
    if (!cardShown(s) || field_ == kName) {
      keys(w);
      return;
    }
    if (field_ == kNone) {
      documentCard(ctx, s.document, w);
      return;
    }
    const float top = ImGui::GetCursorPosY();
    documentCard(ctx, s.document, w * 0.55f);
    const float belowCard = ImGui::GetCursorPosY();
    ImGui::SetCursorPosY(top);
    digits(w, 0.6f);
    ImGui::SetCursorPosY(std::max(belowCard, ImGui::GetCursorPosY()));
  }
  // The keyboard of the field being typed in (none after an ID read filled the name).
  void keys(float w) {
    if (field_ == kNone) return;
    if (field_ == kName) {
      // Names need no digits: without that row the keyboard and the Next button fit at 16:9.
      if (replaceOnType_) {
        // The first key after a scan starts a new name instead of editing the scanned one.
        std::string fresh;
        if (keyboard(fresh, layout_, true, 64, false)) {
          name_ = fresh;
          replaceOnType_ = false;
        }
      } else {
        keyboard(name_, layout_, true, 64, false);
      }
    } else {
      digits(w, 0.3f);
    }
  }
  // The phone's pad, 40 % of `w` wide, starting at `from` of it.
  void digits(float w, float from) {
    // Reach mode: two rows of six, so the pad, the field and the strip below fit the lower half.
    KeyboardLayout pad = reachMode() ? KeyboardLayout::DigitsWide : KeyboardLayout::Digits;
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + w * from);
    ImGui::BeginChild("digits",
                      ImVec2(w * 0.4f, keyboardHeight(pad, false, w * 0.4f) + ui::mm(0.5f)), false,
                      ImGuiWindowFlags_NoScrollbar);
    keyboard(phone_, pad, false, 20);
    ImGui::EndChild();
  }
  void nav(ScreenContext& ctx) {
    bottomBar();
    if (ui::touchButton("nav.back", ctx.t("common.back"), ImVec2(ui::mm(40), 0),
                        ui::ButtonStyle::Secondary)) {
      ctx.emit(flow::Event::of(flow::EventKind::Back));
    }
    ImGui::SameLine(ImGui::GetWindowWidth() - ui::mm(60) - ImGui::GetStyle().WindowPadding.x);
    const bool ready = !name_.empty() && !purpose_.empty();
    if (ui::touchButton("details.next", ctx.t("common.next"), ImVec2(ui::mm(60), 0),
                        ui::ButtonStyle::Primary, ready)) {
      flow::Event e = flow::Event::of(flow::EventKind::DetailsSubmitted);
      e.visitor.name = name_;
      e.visitor.phone = phone_;
      e.visitor.purpose = purpose_;
      ctx.emit(e);
    }
  }

  // The card of the last read shows while the name is still the one it filled in: a name typed
  // over it did not come from the document (decision 0860).
  bool cardShown(const flow::Session& s) const {
    return s.document.present() && name_ == s.document.name;
  }

  // A new ID scan fills the name (over whatever was typed); typing then replaces it.
  void fillFromIdScan(const flow::VisitorInfo& v) {
    if (v.documentHash.empty() || v.documentHash == scannedHash_) return;
    scannedHash_ = v.documentHash;
    if (v.name.empty()) return;
    name_ = v.name;
    field_ = kNone;  // nothing left to type in the name: the card shows where its keyboard was
    editing_ = false;
    replaceOnType_ = true;
  }

  static constexpr int kNone = -1, kName = 0, kPhone = 1;

  std::string name_, phone_, purpose_;
  std::string scannedHash_;
  bool replaceOnType_ = false;
  int field_ = kName;
  bool seeded_ = false;
  bool editing_ = false;  // reach mode: a field's keyboard is up
  KeyboardLayout layout_ = KeyboardLayout::Latin;
};

}  // namespace

std::unique_ptr<Screen> makeVisitorDetailsScreen() {
  return std::make_unique<VisitorDetailsScreen>();
}

}  // namespace gatehouse::kiosk::screens
