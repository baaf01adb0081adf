// Welcome: pick a language, then "visiting someone", "I have a pass" or "I'm leaving".
#include <imgui.h>

#include <algorithm>

#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"
#include "widgets.hpp"

namespace gatehouse::kiosk::screens {
namespace {

class WelcomeScreen final : public Screen {
 public:
  void draw(ScreenContext& ctx) override {
    beginPage(ctx, "welcome");
    const bool reach = reachMode();
    if (!reach) {  // language buttons in their own language, top right
      languages(ctx);
      ImGui::Dummy(ImVec2(0, ui::mm(10)));
    }
    ui::centeredText(ctx.t("welcome.title"), ui::fonts().huge);
    ImGui::Dummy(ImVec2(0, ui::mm(2)));
    ui::centeredText(ctx.t("welcome.subtitle"), ui::fonts().body, ui::palette().mutedText);
    ImGui::Dummy(ImVec2(0, ui::mm(12)));
    // In reach mode the three choices are lower; languages go to the bottom row.
    // Reach mode: touch-target high and closer together, above the row of the toggle and the
    // languages and the strip with "Call a guard".
    const float buttonH = reach ? ui::minTouch() : ui::mm(24);
    if (reach)
      ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing,
                          ImVec2(ImGui::GetStyle().ItemSpacing.x, ui::mm(2.5f)));
    const float gap = ImGui::GetStyle().ItemSpacing.y;
    reachLine(3 * (buttonH + gap) + ui::minTouch() + gap);
    const float w = std::min(contentWidth(), ui::mm(160));
    const float x = ImGui::GetCursorPosX() + (contentWidth() - w) * 0.5f;
    ImGui::PushFont(ui::fonts().large);
    ImGui::SetCursorPosX(x);
    if (ui::touchButton("welcome.walk_in", ctx.t("welcome.walk_in"), ImVec2(w, buttonH))) {
      ctx.emit(flow::Event::of(flow::EventKind::StartWalkIn));
    }
    ImGui::SetCursorPosX(x);
    if (ui::touchButton("welcome.pass", ctx.t("welcome.pass"), ImVec2(w, buttonH))) {
      ctx.emit(flow::Event::of(flow::EventKind::StartPass));
    }
    ImGui::SetCursorPosX(x);
    const float exitY = ImGui::GetCursorPosY();
    if (ui::touchButton("welcome.exit", ctx.t("welcome.exit"), ImVec2(w, buttonH),
                        ui::ButtonStyle::Secondary)) {
      ctx.emit(flow::Event::of(flow::EventKind::StartExit));
    }
    ImGui::PopFont();
    if (reach) ImGui::PopStyleVar();
    // The reach toggle is low in both modes: whoever needs it can reach it. A kiosk that fixes
    // the mode (reach_mode = "on" / "off") shows none: the languages keep their place.
    const bool toggle = reachPolicy() == ReachPolicy::Toggle;
    if (reach) {
      bottomBar();
    } else {  // beside "I am leaving", or lower still where the screen is tall (portrait)
      ImGui::SetCursorPosY(
          std::max(exitY + buttonH - ui::minTouch(),
                   ImGui::GetWindowHeight() - ImGui::GetStyle().WindowPadding.y - ui::minTouch()));
    }
    // Beside "I am leaving" it takes the margin; below it (portrait) its full width.
    const bool below = ImGui::GetCursorPosY() >= exitY + buttonH;
    const float toggleW =
        below ? ui::mm(70) : std::min(ui::mm(70), (contentWidth() - w) * 0.5f - ui::mm(4));
    if (toggle &&
        ui::touchButton("welcome.reach", ctx.t(reach ? "welcome.reach_off" : "welcome.reach_on"),
                        ImVec2(reach ? ui::mm(70) : toggleW, 0), ui::ButtonStyle::Secondary)) {
      setReachMode(!reach);
    }
    if (reach) {
      if (toggle) ImGui::SameLine();
      languages(ctx);
    }
    endPage();
  }

 private:
  // One button per language, named in its own language, right-aligned on the current row.
  static void languages(ScreenContext& ctx) {
    const auto& langs = ctx.flow.config().languages;
    const float langW = ui::mm(30);
    ImGui::SetCursorPosX(ImGui::GetWindowWidth() -
                         (langW + ImGui::GetStyle().ItemSpacing.x) *
                             static_cast<float>(langs.size()) -
                         ImGui::GetStyle().WindowPadding.x + ImGui::GetStyle().ItemSpacing.x);
    for (std::size_t i = 0; i < langs.size(); ++i) {
      if (i) ImGui::SameLine();
      const bool current = ctx.flow.session().language == langs[i];
      const std::string name =
          ctx.tr.strings(langs[i]) && ctx.tr.strings(langs[i])->count("language.name")
              ? ctx.tr.strings(langs[i])->at("language.name")
              : langs[i];
      if (ui::touchButton("welcome.lang." + langs[i], name, ImVec2(langW, 0),
                          current ? ui::ButtonStyle::Primary : ui::ButtonStyle::Secondary)) {
        ctx.emit(flow::Event::withText(flow::EventKind::SelectLanguage, langs[i]));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Screen> makeWelcomeScreen() { return std::make_unique<WelcomeScreen>(); }

}  // namespace gatehouse::kiosk::screens
