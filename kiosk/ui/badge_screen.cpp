// Approved and PrintingBadge: the visitor is welcome; the badge prints with a progress bar.
#include <imgui.h>

#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"
#include "widgets.hpp"

namespace gatehouse::kiosk::screens {
namespace {

class BadgeScreen final : public Screen {
 public:
  void draw(ScreenContext& ctx) override {
    const bool printing = ctx.flow.state() == flow::State::PrintingBadge;
    beginPage(ctx, printing ? "printing_badge" : "approved");
    ImGui::Dummy(ImVec2(0, ui::mm(14)));
    ui::centeredText(ctx.t("approved.title"), ui::fonts().huge, ui::palette().success);
    ImGui::Dummy(ImVec2(0, ui::mm(4)));
    ui::centeredText(ctx.tr.format("approved.body", {{"name", ctx.flow.session().visitor.name}}),
                     ui::fonts().large);
    ImGui::Dummy(ImVec2(0, ui::mm(10)));
    ui::centeredText(ctx.t(printing ? "badge.printing" : "badge.preparing"), ui::fonts().large,
                     ui::palette().mutedText);
    ImGui::Dummy(ImVec2(0, ui::mm(4)));
    const float w = contentWidth() * 0.6f;
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (contentWidth() - w) * 0.5f);
    ImGui::ProgressBar(printing ? std::max(0.1f, ctx.printProgress) : 0.05f, ImVec2(w, ui::mm(8)),
                       "");
    endPage();
  }
};

}  // namespace

std::unique_ptr<Screen> makeBadgeScreen() { return std::make_unique<BadgeScreen>(); }

}  // namespace gatehouse::kiosk::screens
