// Visitor name, phone and purpose on the on-screen keyboard; scanning an ID fills the name.
#include <imgui.h>

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
    field_ = 0;
    seeded_ = false;
    scannedHash_.clear();
    replaceOnType_ = false;
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
    const float w = contentWidth();
    const float half = (w - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    ImGui::BeginGroup();
    if (textField("details.name", ctx.t("details.name"), name_, ctx.t("details.name_placeholder"),
                  field_ == 0, half))
      field_ = 0;
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    if (textField("details.phone", ctx.t("details.phone"), phone_,
                  ctx.t("details.phone_placeholder"), field_ == 1, half))
      field_ = 1;
    ImGui::EndGroup();
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
    if (s.reason == "details_incomplete") {
      ImGui::PushStyleColor(ImGuiCol_Text, ui::palette().danger);
      ui::text(ctx.t("details.incomplete"));
      ImGui::PopStyleColor();
    }
    if (field_ == 0) {
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
      KeyboardLayout digits = KeyboardLayout::Digits;
      ImGui::SetCursorPosX(ImGui::GetCursorPosX() + w * 0.3f);
      ImGui::BeginChild("digits", ImVec2(w * 0.4f, 4 * (ui::minTouch() + ui::mm(1.5f)) + ui::mm(2)),
                        false, ImGuiWindowFlags_NoScrollbar);
      keyboard(phone_, digits, false, 20);
      ImGui::EndChild();
    }
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
    endPage();
  }

 private:
  // A new ID scan fills the name (over whatever was typed); typing then replaces it.
  void fillFromIdScan(const flow::VisitorInfo& v) {
    if (v.documentHash.empty() || v.documentHash == scannedHash_) return;
    scannedHash_ = v.documentHash;
    if (v.name.empty()) return;
    name_ = v.name;
    field_ = 0;
    replaceOnType_ = true;
  }

  std::string name_, phone_, purpose_;
  std::string scannedHash_;
  bool replaceOnType_ = false;
  int field_ = 0;
  bool seeded_ = false;
  KeyboardLayout layout_ = KeyboardLayout::Latin;
};

}  // namespace

std::unique_ptr<Screen> makeVisitorDetailsScreen() {
  return std::make_unique<VisitorDetailsScreen>();
}

}  // namespace gatehouse::kiosk::screens
