// AwaitingApproval (live status, cancel) and AwaitingGuard (a guard will help; guard PIN pad
// offline).
#include <imgui.h>

#include <cmath>

#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"
#include "widgets.hpp"

namespace gatehouse::kiosk::screens {
namespace {

class WaitingScreen final : public Screen {
 public:
  void reset() override {
    pin_.clear();
    showPin_ = false;
  }
  void draw(ScreenContext& ctx) override {
    const auto& s = ctx.flow.session();
    const bool guard = ctx.flow.state() == flow::State::AwaitingGuard;
    beginPage(ctx, guard ? "awaiting_guard" : "awaiting_approval");
    const std::string unit = s.unit ? s.unit->label : "";
    ImGui::Dummy(ImVec2(0, ui::mm(6)));
    if (!guard) {
      ui::centeredText(ctx.tr.format("waiting.title", {{"unit", unit}}), ui::fonts().title);
      ImGui::Dummy(ImVec2(0, ui::mm(6)));
      spinner(ctx.seconds, ui::mm(14));
      ui::centeredText(ctx.t("waiting.status"), ui::fonts().large, ui::palette().mutedText);
      const int waited = static_cast<int>(ctx.seconds);
      ui::centeredText(ctx.tr.format("waiting.elapsed", {{"seconds", std::to_string(waited)}}),
                       ui::fonts().body, ui::palette().mutedText);
    } else {
      ui::centeredText(ctx.t("guard.title"), ui::fonts().title);
      if (!showPin_) {  // the PIN pad is for the guard, who needs no explanation: keep it on screen
        ImGui::Dummy(ImVec2(0, ui::mm(4)));
        ui::centeredText(ctx.t(ctx.flow.online() ? "guard.body" : "guard.body_offline"),
                         ui::fonts().large, ui::palette().mutedText);
        ImGui::Dummy(ImVec2(0, ui::mm(6)));
      }
      if (!showPin_ && !reachMode()) {
        const float w = ui::mm(90);
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (contentWidth() - w) * 0.5f);
        pinButton(ctx, w);
      } else if (showPin_) {
        pinPad(ctx, s);
        if (padBeside()) {  // Cancel and OK sit beside the pad
          endPage();
          return;
        }
      }
    }
    bottomBar();
    cancel(ctx);
    if (guard && !showPin_ && reachMode()) {
      ImGui::SameLine(ImGui::GetWindowWidth() - ui::mm(90) - ImGui::GetStyle().WindowPadding.x);
      pinButton(ctx, ui::mm(90));
    }
    endPage();
  }

 private:
  // Reach mode puts Cancel and OK beside the PIN pad where the panel is wide enough (landscape);
  // a portrait panel has the height for the usual OK below the pad and Cancel at the bottom.
  static bool padBeside() {
    return reachMode() &&
           contentWidth() >= ui::mm(70 + 90 + 60) + 2 * ImGui::GetStyle().ItemSpacing.x;
  }
  void cancel(ScreenContext& ctx) {
    if (ui::touchButton("waiting.cancel", ctx.t("waiting.cancel"), ImVec2(ui::mm(70), 0),
                        ui::ButtonStyle::Secondary)) {
      ctx.emit(flow::Event::of(flow::EventKind::Cancel));
    }
  }
  void pinButton(ScreenContext& ctx, float w) {
    if (ui::touchButton("guard.pin", ctx.t("guard.pin_button"), ImVec2(w, 0),
                        ui::ButtonStyle::Secondary)) {
      showPin_ = true;
    }
  }
  // The guard's PIN pad and OK; in reach mode at the bottom, with Cancel on its left.
  void pinPad(ScreenContext& ctx, const flow::Session& s) {
    const std::string problem = s.pinProblem == "locked"          ? "guard.pin_locked"
                                : s.pinProblem == "offline_limit" ? "guard.pin_offline_limit"
                                                                  : "guard.pin_wrong";
    const std::string status = s.pinChecking   ? ctx.t("guard.pin_checking")
                               : s.pinRejected ? ctx.t(problem)
                                               : std::string(" ");
    ui::centeredText(pin_.empty() ? status : std::string(pin_.size(), '*'), ui::fonts().large,
                     s.pinRejected && pin_.empty() ? ui::palette().danger : ui::palette().text);
    const float w = ui::mm(90);
    const float padH = 4 * (ui::minTouch() + ui::mm(1.5f)) + ui::mm(2);
    const float x = ImGui::GetCursorPosX() + (contentWidth() - w) * 0.5f;
    if (padBeside()) {
      reachLine(padH);
      const float y = ImGui::GetCursorPosY();
      ImGui::SetCursorPosY(y + padH - ui::minTouch() - ui::mm(2));
      cancel(ctx);
      ImGui::SetCursorPos(ImVec2(x, y));
    } else {  // reach mode on a narrow panel: the pad, OK below it, Cancel at the bottom, low
      reachLine(padH + 2 * (ui::minTouch() + ImGui::GetStyle().ItemSpacing.y));
      ImGui::SetCursorPosX(x);
    }
    const float padY = ImGui::GetCursorPosY();
    ImGui::BeginChild("pin", ImVec2(w, padH), false, ImGuiWindowFlags_NoScrollbar);
    KeyboardLayout digits = KeyboardLayout::Digits;
    keyboard(pin_, digits, false, 12);  // per-guard PINs: 6 to 12 digits
    ImGui::EndChild();
    if (padBeside())
      ImGui::SetCursorPos(ImVec2(x + w + ImGui::GetStyle().ItemSpacing.x,
                                 padY + padH - ui::minTouch() - ui::mm(2)));
    else
      ImGui::SetCursorPosX(x);
    if (ui::touchButton("guard.pin_ok", ctx.t("guard.pin_ok"),
                        ImVec2(padBeside() ? ui::mm(60) : w, 0), ui::ButtonStyle::Primary,
                        pin_.size() >= 6 && !s.pinChecking)) {
      ctx.emit(flow::Event::withText(flow::EventKind::GuardPinEntered, pin_));
      pin_.clear();
    }
  }

  std::string pin_;
  bool showPin_ = false;
};

}  // namespace

std::unique_ptr<Screen> makeWaitingScreen() { return std::make_unique<WaitingScreen>(); }

}  // namespace gatehouse::kiosk::screens
