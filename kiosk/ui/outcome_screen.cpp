// End screens: Done, Denied, PassRejected, ExitDone, BadgeRejected. One message, one button.
#include <imgui.h>

#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"
#include "widgets.hpp"

namespace gatehouse::kiosk::screens {
namespace {

class OutcomeScreen final : public Screen {
 public:
  void draw(ScreenContext& ctx) override {
    const auto& s = ctx.flow.session();
    std::string id, head, body;
    ImVec4 colour = ui::palette().text;
    switch (ctx.flow.state()) {
      case flow::State::Done:
        id = "done";
        head = ctx.t("done.title");
        body = ctx.t("done.body");
        if (ctx.hasGate) body = ctx.t("done.gate_open") + "\n" + ctx.gateDirections;
        colour = ui::palette().success;
        break;
      case flow::State::Denied:
        id = "denied";
        head = ctx.t("denied.title");
        body = ctx.t("denied.body");
        break;
      case flow::State::PassRejected:
        id = "pass_rejected";
        head = ctx.t("pass_rejected.title");
        body = ctx.tOr("reason." + s.reason, "reason.conflict");
        colour = ui::palette().danger;
        break;
      case flow::State::ExitDone:
        id = "exit_done";
        head = ctx.t("exit_done.title");
        body = ctx.t("exit_done.body");
        if (ctx.hasGate) body += "\n" + ctx.t("exit_done.gate_open");
        colour = ui::palette().success;
        break;
      default:
        id = "badge_rejected";
        head = ctx.t("badge_rejected.title");
        body = ctx.tOr("reason." + s.reason, "reason.unknown_badge") + "\n" +
               ctx.t("badge_rejected.guard");
        colour = ui::palette().danger;
        break;
    }
    beginPage(ctx, id.c_str());
    ImGui::Dummy(ImVec2(0, ui::mm(18)));
    ui::centeredText(head, ui::fonts().huge, colour);
    ImGui::Dummy(ImVec2(0, ui::mm(6)));
    ui::centeredText(body, ui::fonts().large);
    bottomBar();
    const float w = ui::mm(80);
    // A refused pass or badge: the guard can sort it out, so calling one is offered here too,
    // next to Finish. In reach mode the strip below the page already offers it (0625): one
    // "Call a guard" is enough, and Finish stands alone in the middle.
    const bool refused = ctx.flow.state() == flow::State::PassRejected ||
                         ctx.flow.state() == flow::State::BadgeRejected;
    if (refused && !s.guardCalled && !reachMode()) {
      if (ui::touchButton("outcome.call_guard", ctx.t("guard.call"), ImVec2(w, 0),
                          ui::ButtonStyle::Secondary)) {
        ctx.emit(flow::Event::of(flow::EventKind::CallGuard));
      }
      ImGui::SameLine(ImGui::GetWindowWidth() - w - ImGui::GetStyle().WindowPadding.x);
    } else {
      ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (contentWidth() - w) * 0.5f);
    }
    if (ui::touchButton("outcome.finish", ctx.t("common.finish"), ImVec2(w, 0))) {
      ctx.emit(flow::Event::of(flow::EventKind::Finish));
    }
    endPage();
  }
};

class DeviceProblemScreen final : public Screen {
 public:
  void draw(ScreenContext& ctx) override {
    const auto& s = ctx.flow.session();
    beginPage(ctx, "device_problem");
    const char* device = s.faultDevice == flow::Device::Printer  ? "printer"
                         : s.faultDevice == flow::Device::Camera ? "camera"
                         : s.faultDevice == flow::Device::Gate   ? "gate"
                                                                 : "scanner";
    ImGui::Dummy(ImVec2(0, ui::mm(12)));
    ui::centeredText(ctx.t(std::string("fault.") + device + ".title"), ui::fonts().title,
                     ui::palette().warning);
    ImGui::Dummy(ImVec2(0, ui::mm(4)));
    ui::centeredText(ctx.tOr("fault." + s.reason, "fault.unknown"), ui::fonts().large);
    ImGui::Dummy(ImVec2(0, ui::mm(4)));
    // A missing or frozen camera has its own next step (type your details, call a guard).
    ui::centeredText(
        ctx.tOr("fault." + s.reason + ".next", std::string("fault.") + device + ".next"),
        ui::fonts().large, ui::palette().mutedText);
    ui::centeredText(ctx.t("fault.guard_told"), ui::fonts().body, ui::palette().mutedText);
    bottomBar();
    if (ui::touchButton("fault.finish", ctx.t("common.finish"), ImVec2(ui::mm(60), 0),
                        ui::ButtonStyle::Secondary)) {
      ctx.emit(flow::Event::of(flow::EventKind::Finish));
    }
    ImGui::SameLine(ImGui::GetWindowWidth() - ui::mm(70) - ImGui::GetStyle().WindowPadding.x);
    if (ui::touchButton("fault.retry", ctx.t("common.retry"), ImVec2(ui::mm(70), 0))) {
      ctx.emit(flow::Event::of(flow::EventKind::Retry));
    }
    endPage();
  }
};

}  // namespace

std::unique_ptr<Screen> makeOutcomeScreen() { return std::make_unique<OutcomeScreen>(); }
std::unique_ptr<Screen> makeDeviceProblemScreen() {
  return std::make_unique<DeviceProblemScreen>();
}

}  // namespace gatehouse::kiosk::screens
