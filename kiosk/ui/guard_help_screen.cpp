// GuardHelp: a guard is on the way (three photos with no face, or a badge lost at exit).
#include <imgui.h>

#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"
#include "widgets.hpp"

namespace gatehouse::kiosk::screens {
namespace {

class GuardHelpScreen final : public Screen {
 public:
  void draw(ScreenContext& ctx) override {
    beginPage(ctx, "guard_help");
    ImGui::Dummy(ImVec2(0, ui::mm(18)));
    ui::centeredText(ctx.t("guard_help.title"), ui::fonts().huge, ui::palette().accent);
    ImGui::Dummy(ImVec2(0, ui::mm(6)));
    ui::centeredText(ctx.tOr("guard_help." + ctx.flow.session().reason, "guard_help.other"),
                     ui::fonts().large);
    ImGui::Dummy(ImVec2(0, ui::mm(4)));
    ui::centeredText(ctx.t("guard_help.wait"), ui::fonts().large, ui::palette().mutedText);
    bottomBar();
    const float w = ui::mm(80);
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (contentWidth() - w) * 0.5f);
    if (ui::touchButton("guard_help.finish", ctx.t("guard_help.start_over"), ImVec2(w, 0),
                        ui::ButtonStyle::Secondary)) {
      ctx.emit(flow::Event::of(flow::EventKind::Finish));
    }
    endPage();
  }
};

}  // namespace

std::unique_ptr<Screen> makeGuardHelpScreen() { return std::make_unique<GuardHelpScreen>(); }

}  // namespace gatehouse::kiosk::screens
