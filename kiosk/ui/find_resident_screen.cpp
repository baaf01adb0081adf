// Find the resident by unit or name: results as you type, dragged to scroll; only unit + surname
// initial are shown.
#include <imgui.h>

#include <cmath>
#include <string>
#include <vector>

#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/layout_report.hpp"
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
    const bool reach = reachMode();
    // Back sits beside the title: the results and the keyboard need the height.
    const float titleY = ImGui::GetCursorPosY();
    title(ctx.t("find.title"));
    const float afterTitleY = ImGui::GetCursorPosY();
    if (!reach) {
      ImGui::SetCursorPos(
          ImVec2(ImGui::GetWindowWidth() - ui::mm(40) - ImGui::GetStyle().WindowPadding.x, titleY));
      back(ctx);
      ImGui::SetCursorPosY(std::max(afterTitleY, ImGui::GetCursorPosY()));
    }
    std::string query = s.query;
    if (reach) {  // out of reach, so not a control: what was typed, shown large
      subtitle(ctx.t("find.label"));
      ImGui::PushFont(ui::fonts().large);
      ui::text(query.empty() ? ctx.t("find.placeholder") : query + "|");
      ImGui::PopFont();
    } else {
      textField("find.query", ctx.t("find.label"), query, ctx.t("find.placeholder"), true,
                contentWidth());
    }
    // Results: a grid of unit buttons; in reach mode one row beside Back, above the keyboard.
    const float keyboardH =
        keyboardHeight(layout_, true) + ImGui::GetStyle().WindowPadding.y + ui::mm(1.5f);
    const float rowH = ui::minTouch() + ImGui::GetStyle().ItemSpacing.y;
    reachLine(rowH + keyboardHeight(layout_, true));
    if (reach) {
      back(ctx);
      ImGui::SameLine();
    }
    const float listH = reach ? ui::minTouch() : ImGui::GetContentRegionAvail().y - keyboardH;
    list_.begin("results", ImVec2(0, std::max(listH, ui::minTouch())), s.query);
    if (s.results.empty()) {
      ImGui::Dummy(ImVec2(0, ui::mm(2)));
      subtitle(s.query.empty() ? ctx.t("find.hint") : ctx.t("find.none"));
    }
    // Every result, in a grid the visitor drags up and down; cells fit the longest label.
    ImGui::PushFont(ui::fonts().large);
    std::vector<std::string> labels;
    float cellW = ui::mm(50);
    for (const auto& r : s.results) {
      labels.push_back(r.hostHint.empty() ? r.label : r.label + "  " + r.hostHint);
      cellW = std::max(cellW, ImGui::CalcTextSize(labels.back().c_str()).x +
                                  ImGui::GetStyle().FramePadding.x * 2);
    }
    cellW = std::min(cellW, contentWidth());
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const auto perRow = static_cast<std::size_t>(
        std::max(1.0f, std::floor((contentWidth() + gap) / (cellW + gap))));
    for (std::size_t i = 0; i < s.results.size(); ++i) {
      if (i % perRow != 0) ImGui::SameLine();
      if (ui::touchButton("unit." + s.results[i].label, labels[i], ImVec2(cellW, ui::minTouch()),
                          ui::ButtonStyle::Secondary) &&
          !list_.dragging()) {
        flow::Event e = flow::Event::of(flow::EventKind::ResidentChosen);
        e.entry = s.results[i];
        ctx.emit(e);
      }
    }
    ImGui::PopFont();
    list_.end();
    if (keyboard(query, layout_, false, 32))
      ctx.emit(flow::Event::withText(flow::EventKind::QueryChanged, query));
    endPage();
  }

 private:
  static void back(ScreenContext& ctx) {
    if (ui::touchButton("nav.back", ctx.t("common.back"), ImVec2(ui::mm(40), 0),
                        ui::ButtonStyle::Secondary)) {
      ctx.emit(flow::Event::of(flow::EventKind::Back));
    }
  }

  KeyboardLayout layout_ = KeyboardLayout::Latin;
  bool started_ = false;
  DragList list_;
};

}  // namespace

std::unique_ptr<Screen> makeFindResidentScreen() { return std::make_unique<FindResidentScreen>(); }

}  // namespace gatehouse::kiosk::screens
