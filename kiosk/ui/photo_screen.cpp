// Photo (entry) and ExitPhoto: live camera preview with quality hints and a big "take photo"
// button.
#include <imgui.h>

#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/layout_report.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"
#include "widgets.hpp"

namespace gatehouse::kiosk::screens {
namespace {

class PhotoScreen final : public Screen {
 public:
  void draw(ScreenContext& ctx) override {
    const bool exit = ctx.flow.state() == flow::State::ExitPhoto;
    beginPage(ctx, exit ? "exit_photo" : "photo");
    title(ctx.t(exit ? "photo.exit_title" : "photo.title"));
    const std::string hintKey =
        ctx.previewHint.empty() ? "photo.hint.good" : "photo.hint." + ctx.previewHint;
    ImGui::PushStyleColor(ImGuiCol_Text,
                          ctx.previewHint.empty() ? ui::palette().success : ui::palette().warning);
    ImGui::PushFont(ui::fonts().large);
    ui::text(ctx.t(hintKey));
    ImGui::PopFont();
    ImGui::PopStyleColor();
    // The last exit photo had no face: say why it is taken again.
    const bool again = exit && ctx.flow.session().photoHint == "no_face";
    if (again) subtitle(ctx.t("exit.face_again"));
    const float barH =
        ui::minTouch() + ImGui::GetStyle().ItemSpacing.y * 2 + ImGui::GetStyle().WindowPadding.y;
    const float h = ImGui::GetContentRegionAvail().y - barH;
    if (ctx.preview && ctx.preview->valid()) {
      fittedImage(*ctx.preview, contentWidth(), h);
    } else {
      ImGui::Dummy(ImVec2(0, h * 0.4f));
      ui::centeredText(ctx.t("photo.starting"), ui::fonts().large, ui::palette().mutedText);
    }
    bottomBar();
    if (!exit && ui::touchButton("nav.back", ctx.t("common.back"), ImVec2(ui::mm(40), 0),
                                 ui::ButtonStyle::Secondary)) {
      ctx.emit(flow::Event::of(flow::EventKind::Back));
    }
    if (exit && ui::touchButton("nav.cancel", ctx.t("common.cancel"), ImVec2(ui::mm(40), 0),
                                ui::ButtonStyle::Secondary)) {
      ctx.emit(flow::Event::of(flow::EventKind::Cancel));
    }
    ImGui::SameLine(ImGui::GetWindowWidth() - ui::mm(80) - ImGui::GetStyle().WindowPadding.x);
    const bool busy = ctx.flow.session().capturing;
    const char* takeKey = busy ? "photo.taking" : again ? "review.retake" : "photo.take";
    if (ui::touchButton("photo.take", ctx.t(takeKey), ImVec2(ui::mm(80), 0),
                        ui::ButtonStyle::Primary, !busy && ctx.preview && ctx.preview->valid())) {
      ctx.emit(flow::Event::of(flow::EventKind::TakePhoto));
    }
    endPage();
  }
};

class PhotoReviewScreen final : public Screen {
 public:
  void draw(ScreenContext& ctx) override {
    beginPage(ctx, "photo_review");
    title(ctx.t("review.title"));
    const auto& hint = ctx.flow.session().photoHint;
    if (!hint.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, ui::palette().warning);
      ImGui::PushFont(ui::fonts().large);
      ui::text(ctx.t("photo.hint." + hint));
      ImGui::PopFont();
      ImGui::PopStyleColor();
      if (hint == "no_face") subtitle(ctx.t("review.face_needed"));
    }
    const float barH =
        ui::minTouch() + ImGui::GetStyle().ItemSpacing.y * 2 + ImGui::GetStyle().WindowPadding.y;
    if (ctx.photo && ctx.photo->valid())
      fittedImage(*ctx.photo, contentWidth(), ImGui::GetContentRegionAvail().y - barH);
    bottomBar();
    // A photo with no face cannot be used: "Take again" becomes the main button.
    const bool faceless = hint == "no_face";
    if (faceless) {
      if (ui::touchButton("review.use", ctx.t("review.use"), ImVec2(ui::mm(60), 0),
                          ui::ButtonStyle::Secondary, false)) {
        ctx.emit(flow::Event::of(flow::EventKind::PhotoAccepted));
      }
      ImGui::SameLine(ImGui::GetWindowWidth() - ui::mm(80) - ImGui::GetStyle().WindowPadding.x);
      if (ui::touchButton("review.retake", ctx.t("review.retake"), ImVec2(ui::mm(80), 0))) {
        ctx.emit(flow::Event::of(flow::EventKind::Retake));
      }
      endPage();
      return;
    }
    if (ui::touchButton("review.retake", ctx.t("review.retake"), ImVec2(ui::mm(60), 0),
                        ui::ButtonStyle::Secondary)) {
      ctx.emit(flow::Event::of(flow::EventKind::Retake));
    }
    ImGui::SameLine(ImGui::GetWindowWidth() - ui::mm(80) - ImGui::GetStyle().WindowPadding.x);
    if (ui::touchButton("review.use", ctx.t("review.use"), ImVec2(ui::mm(80), 0))) {
      ctx.emit(flow::Event::of(flow::EventKind::PhotoAccepted));
    }
    endPage();
  }
};

}  // namespace

std::unique_ptr<Screen> makePhotoScreen() { return std::make_unique<PhotoScreen>(); }
std::unique_ptr<Screen> makePhotoReviewScreen() { return std::make_unique<PhotoReviewScreen>(); }

}  // namespace gatehouse::kiosk::screens
