// Welcome: pick a language, then "visiting someone", "I have a pass" or "I'm leaving".
#include <imgui.h>

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
    const auto& langs = ctx.flow.config().languages;
    // Language buttons in their own language, top right.
    const float langW = ui::mm(30);
    ImGui::SetCursorPosX(ImGui::GetWindowWidth() -
                         (langW + ImGui::GetStyle().ItemSpacing.x) *
                             static_cast<float>(langs.size()) -
                         ImGui::GetStyle().WindowPadding.x);
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
    ImGui::Dummy(ImVec2(0, ui::mm(10)));
    ui::centeredText(ctx.t("welcome.title"), ui::fonts().huge);
    ImGui::Dummy(ImVec2(0, ui::mm(2)));
    ui::centeredText(ctx.t("welcome.subtitle"), ui::fonts().body, ui::palette().mutedText);
    ImGui::Dummy(ImVec2(0, ui::mm(12)));
    const float w = std::min(contentWidth(), ui::mm(160));
    const float x = ImGui::GetCursorPosX() + (contentWidth() - w) * 0.5f;
    ImGui::PushFont(ui::fonts().large);
    ImGui::SetCursorPosX(x);
    if (ui::touchButton("welcome.walk_in", ctx.t("welcome.walk_in"), ImVec2(w, ui::mm(24)))) {
      ctx.emit(flow::Event::of(flow::EventKind::StartWalkIn));
    }
    ImGui::SetCursorPosX(x);
    if (ui::touchButton("welcome.pass", ctx.t("welcome.pass"), ImVec2(w, ui::mm(24)))) {
      ctx.emit(flow::Event::of(flow::EventKind::StartPass));
    }
    ImGui::SetCursorPosX(x);
    if (ui::touchButton("welcome.exit", ctx.t("welcome.exit"), ImVec2(w, ui::mm(24)),
                        ui::ButtonStyle::Secondary)) {
      ctx.emit(flow::Event::of(flow::EventKind::StartExit));
    }
    ImGui::PopFont();
    endPage();
  }
};

}  // namespace

std::unique_ptr<Screen> makeWelcomeScreen() { return std::make_unique<WelcomeScreen>(); }

}  // namespace gatehouse::kiosk::screens
