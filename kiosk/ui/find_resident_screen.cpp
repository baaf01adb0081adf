// Find the resident by unit or name: results as you type; only unit + surname initial are shown.
#include <imgui.h>

#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"
#include "widgets.hpp"

namespace gatehouse::kiosk::screens {
namespace {

class FindResidentScreen final : public Screen {
 public:
  void reset() override {
    layout_ = KeyboardLayout::Latin;
    started_ = false;
  }
  void draw(ScreenContext& ctx) override {
    const auto& s = ctx.flow.session();
    if (!started_) {  // the first frame asks for the first page of results
      started_ = true;
      layout_ = KeyboardLayout::Latin;  // unit labels are Latin
      if (s.results.empty())
        ctx.emit(flow::Event::withText(flow::EventKind::QueryChanged, s.query));
    }
    beginPage(ctx, "find_resident");
    // Back sits beside the title: the results and the keyboard need the height.
    const float titleY = ImGui::GetCursorPosY();
    title(ctx.t("find.title"));
    const float afterTitleY = ImGui::GetCursorPosY();
    ImGui::SetCursorPos(
        ImVec2(ImGui::GetWindowWidth() - ui::mm(40) - ImGui::GetStyle().WindowPadding.x, titleY));
    if (ui::touchButton("nav.back", ctx.t("common.back"), ImVec2(ui::mm(40), 0),
                        ui::ButtonStyle::Secondary)) {
      ctx.emit(flow::Event::of(flow::EventKind::Back));
    }
    ImGui::SetCursorPosY(std::max(afterTitleY, ImGui::GetCursorPosY()));
    std::string query = s.query;
    textField("find.query", ctx.t("find.label"), query, ctx.t("find.placeholder"), true,
              contentWidth());
    // Results: a grid of unit buttons.
    const float keyboardH = 5 * (ui::minTouch() + ui::mm(1.5f)) + ImGui::GetStyle().WindowPadding.y;
    const float listH = ImGui::GetContentRegionAvail().y - keyboardH;
    ImGui::BeginChild("results", ImVec2(0, std::max(listH, ui::minTouch())), false,
                      ImGuiWindowFlags_NoScrollbar);
    if (s.results.empty()) {
      ImGui::Dummy(ImVec2(0, ui::mm(2)));
      subtitle(s.query.empty() ? ctx.t("find.hint") : ctx.t("find.none"));
    }
    const float cellW = ui::mm(50);
    const int perRow =
        std::max(1, static_cast<int>((contentWidth() + ui::mm(4)) / (cellW + ui::mm(4))));
    // Touch screens do not scroll an ImGui list: show the rows that fit and ask for more typing.
    const float rowH = ui::minTouch() + ImGui::GetStyle().ItemSpacing.y;
    const int rows = std::max(
        1, static_cast<int>((ImGui::GetContentRegionAvail().y + ImGui::GetStyle().ItemSpacing.y) /
                            rowH));
    std::size_t shown = std::min(s.results.size(), static_cast<std::size_t>(rows * perRow));
    const bool more = shown < s.results.size();
    if (more && shown > 0) --shown;  // room for the hint in the last cell
    ImGui::PushFont(ui::fonts().large);
    for (std::size_t i = 0; i < shown; ++i) {
      const auto& r = s.results[i];
      if (i % static_cast<std::size_t>(perRow) != 0) ImGui::SameLine();
      std::string label = r.label;
      if (!r.hostHint.empty()) label += "  " + r.hostHint;
      if (ui::touchButton("unit." + r.label, label, ImVec2(cellW, ui::minTouch()),
                          ui::ButtonStyle::Secondary)) {
        flow::Event e = flow::Event::of(flow::EventKind::ResidentChosen);
        e.entry = r;
        ctx.emit(e);
      }
    }
    ImGui::PopFont();
    if (more) {
      if (shown % static_cast<std::size_t>(perRow) != 0) ImGui::SameLine();
      ImGui::BeginGroup();
      ImGui::Dummy(ImVec2(cellW, ui::mm(1)));
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + cellW);
      subtitle(ctx.t("find.more"));
      ImGui::PopTextWrapPos();
      ImGui::EndGroup();
    }
    ImGui::EndChild();
    if (keyboard(query, layout_, false, 32))
      ctx.emit(flow::Event::withText(flow::EventKind::QueryChanged, query));
    endPage();
  }

 private:
  KeyboardLayout layout_ = KeyboardLayout::Latin;
  bool started_ = false;
};

}  // namespace

std::unique_ptr<Screen> makeFindResidentScreen() { return std::make_unique<FindResidentScreen>(); }

}  // namespace gatehouse::kiosk::screens
