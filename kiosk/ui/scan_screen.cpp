// ScanPass and ScanBadge: hold the QR code up to the camera; CheckingPass / RecordingExit: please
// wait.
#include <imgui.h>

#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"
#include "widgets.hpp"

namespace gatehouse::kiosk::screens {
namespace {

class ScanScreen final : public Screen {
 public:
  void draw(ScreenContext& ctx) override {
    const bool badge = ctx.flow.state() == flow::State::ScanBadge;
    beginPage(ctx, badge ? "scan_badge" : "scan_pass");
    title(ctx.t(badge ? "scan.badge_title" : "scan.pass_title"));
    subtitle(ctx.t(badge ? "scan.badge_body" : "scan.pass_body"));
    const float barH =
        ui::minTouch() + ImGui::GetStyle().ItemSpacing.y * 2 + ImGui::GetStyle().WindowPadding.y;
    if (ctx.preview && ctx.preview->valid())
      fittedImage(*ctx.preview, contentWidth(), ImGui::GetContentRegionAvail().y - barH);
    bottomBar();
    if (ui::touchButton("nav.back", ctx.t("common.back"), ImVec2(ui::mm(40), 0),
                        ui::ButtonStyle::Secondary)) {
      ctx.emit(flow::Event::of(flow::EventKind::Back));
    }
    if (badge) {  // no badge to show: a guard lets the visitor out
      const float w = ui::mm(80);
      ImGui::SameLine(ImGui::GetWindowWidth() - w - ImGui::GetStyle().WindowPadding.x);
      if (ui::touchButton("scan.lost_badge", ctx.t("scan.lost_badge"), ImVec2(w, 0),
                          ui::ButtonStyle::Secondary)) {
        ctx.emit(flow::Event::of(flow::EventKind::LostBadge));
      }
    }
    endPage();
  }
};

class CheckingScreen final : public Screen {
 public:
  void draw(ScreenContext& ctx) override {
    const bool exit = ctx.flow.state() == flow::State::RecordingExit;
    beginPage(ctx, exit ? "recording_exit" : "checking_pass");
    ImGui::Dummy(ImVec2(0, ui::mm(20)));
    ui::centeredText(ctx.t(exit ? "checking.exit" : "checking.pass"), ui::fonts().title);
    ImGui::Dummy(ImVec2(0, ui::mm(8)));
    spinner(ctx.seconds, ui::mm(14));
    endPage();
  }
};

}  // namespace

std::unique_ptr<Screen> makeScanScreen() { return std::make_unique<ScanScreen>(); }
std::unique_ptr<Screen> makeCheckingScreen() { return std::make_unique<CheckingScreen>(); }

}  // namespace gatehouse::kiosk::screens
