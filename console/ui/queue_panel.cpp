// Pending approvals with the visitor's photo (click to enlarge) and the phones to call; escalated
// and held first; approve/deny with a reason (each with its own quick reasons).
#include <imgui.h>

#include "console_app.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"

namespace gatehouse::console::app {

void drawQueue(ConsoleApp& app) {
  const auto& p = ui::palette();
  const auto& queue = app.live->snapshot().queue;
  ImGui::PushFont(ui::fonts().large);
  ImGui::TextUnformatted(app.trf("queue.title", {{"n", std::to_string(queue.size())}}).c_str());
  ImGui::PopFont();
  ImGui::TextColored(p.mutedText, "%s", app.tr("queue.shortcuts").c_str());
  if (queue.empty()) ImGui::TextColored(p.mutedText, "%s", app.tr("queue.empty").c_str());
  int i = 0;
  for (const auto& v : queue) {
    const bool selected = i == app.selectedVisit;
    ImGui::PushStyleColor(ImGuiCol_Border, v.escalated ? p.danger
                                           : v.held    ? p.warning
                                           : selected  ? p.accent
                                                       : p.border);
    ImGui::PushStyleVar(ImGuiStyleVar_ChildBorderSize, selected || v.escalated ? 3.0f : 1.0f);
    ImGui::BeginChild(("visit" + v.id.toString()).c_str(), ImVec2(0, 150), true,
                      ImGuiWindowFlags_NoScrollbar);
    app.photos.draw("queue" + v.id.toString(), v.photo, ImVec2(96, 96));
    if (ImGui::IsItemClicked() && !v.photo.empty())
      app.enlargedPhoto = ConsoleApp::EnlargedPhoto{v.id, std::nullopt};
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::PushFont(ui::fonts().large);
    ImGui::TextUnformatted(v.visitorName.c_str());
    ImGui::PopFont();
    if (v.escalated) {
      ImGui::SameLine();
      ImGui::TextColored(p.danger, "%s", app.tr("queue.escalated").c_str());
    }
    if (v.held) {
      ImGui::SameLine();
      ImGui::TextColored(p.warning, "%s", app.tr("queue.held").c_str());
    }
    ImGui::Text("%s",
                app.trf("queue.line",
                        {{"unit", v.unitLabel}, {"kiosk", v.kioskName}, {"purpose", v.purpose}})
                    .c_str());
    std::string hosts;
    for (const auto& h : v.hostPhones) hosts += (hosts.empty() ? "" : ", ") + h;
    ImGui::Text("%s",
                app.trf("queue.phones", {{"visitor", v.visitorPhone.empty() ? "-" : v.visitorPhone},
                                         {"host", hosts.empty() ? "-" : hosts}})
                    .c_str());
    ImGui::TextColored(v.waitingS > 60 ? p.warning : p.mutedText, "%s",
                       app.trf("queue.waiting", {{"t", formatDuration(v.waitingS)}}).c_str());
    ImGui::EndGroup();
    ImGui::SameLine(ImGui::GetWindowWidth() - 260);
    if (button("queue.approve." + std::to_string(i), app.tr("queue.approve")))
      app.openDecision(v.id, true);
    ImGui::SameLine();
    if (button("queue.deny." + std::to_string(i), app.tr("queue.deny"), true, true, true))
      app.openDecision(v.id, false);
    ImGui::EndChild();
    if (ImGui::IsItemClicked()) app.selectedVisit = i;
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
    ++i;
  }
}

void drawDecisionDialog(ConsoleApp& app) {
  if (!app.decideVisit) return;
  const auto& p = ui::palette();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->Size.x / 2, vp->Size.y / 2), ImGuiCond_Always,
                          ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(820, 0));
  ImGui::Begin("decide", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
  std::string who;
  for (const auto& v : app.live->snapshot().queue)
    if (v.id == *app.decideVisit) who = v.visitorName + " -> " + v.unitLabel;
  ImGui::PushFont(ui::fonts().large);
  ImGui::TextColored(
      app.decideApprove ? p.success : p.danger, "%s",
      app.tr(app.decideApprove ? "decide.title_approve" : "decide.title_deny").c_str());
  ImGui::PopFont();
  ImGui::TextUnformatted(who.c_str());
  ImGui::TextColored(p.mutedText, "%s", app.tr("decide.reason_hint").c_str());
  // Reasons to let someone in are not reasons to turn them away.
  static const char* approveQuick[] = {"decide.quick.called", "decide.quick.delivery",
                                       "decide.quick.known"};
  static const char* denyQuick[] = {"decide.quick.unreachable", "decide.quick.refused",
                                    "decide.quick.not_expected", "decide.quick.no_id"};
  const char* const* quick = app.decideApprove ? approveQuick : denyQuick;
  const int n = app.decideApprove ? 3 : 4;
  for (int i = 0; i < n; ++i) {
    if (i) ImGui::SameLine();
    if (button("decide.quick." + std::to_string(i), app.tr(quick[i]), false))
      app.field("decide.reason") = app.tr(quick[i]);
  }
  if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
  const bool enter = inputField(app, "decide.reason", app.tr("decide.reason"), 640);
  const bool hasReason = app.field("decide.reason").find_first_not_of(' ') != std::string::npos;
  if (button("decide.confirm", app.tr(app.decideApprove ? "queue.approve" : "queue.deny"), true,
             hasReason, !app.decideApprove) ||
      (enter && hasReason)) {
    app.confirmDecision();
  }
  ImGui::SameLine();
  if (button("decide.cancel", app.tr("decide.cancel"), false) ||
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
    app.decideVisit.reset();
  }
  ImGui::End();
}

}  // namespace gatehouse::console::app

namespace gatehouse::console::app {

namespace {

struct Shown {
  std::string key, title;
  const Photo* photo = nullptr;
};

// The card the enlarged photo belongs to, while it is still listed.
std::optional<Shown> shownPhoto(ConsoleApp& app) {
  const auto& s = app.live->snapshot();
  const auto& want = *app.enlargedPhoto;
  if (want.visit) {
    for (const auto& v : s.queue)
      if (v.id == *want.visit) return Shown{"queue" + v.id.toString(), v.visitorName, &v.photo};
  }
  if (want.alert) {
    for (const auto& a : s.alerts)
      if (a.id == *want.alert)
        return Shown{"alertphoto" + std::to_string(a.id), app.tr("alert.kind." + a.kind), &a.photo};
  }
  return std::nullopt;
}

}  // namespace

void drawEnlargedPhoto(ConsoleApp& app) {
  if (!app.enlargedPhoto || !app.live) return;
  const auto shown = shownPhoto(app);
  if (!shown) {
    app.enlargedPhoto.reset();
    return;
  }
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->Size.x / 2, vp->Size.y / 2), ImGuiCond_Always,
                          ImVec2(0.5f, 0.5f));
  ImGui::Begin("photo", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                   ImGuiWindowFlags_NoSavedSettings);
  ImGui::TextUnformatted(shown->title.c_str());
  const float side = std::min(vp->Size.x, vp->Size.y) * 0.7f;
  app.photos.draw(shown->key, *shown->photo, ImVec2(side, side));
  if (ImGui::IsItemClicked() || button("photo.close", app.tr("photo.close"), false) ||
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
    app.enlargedPhoto.reset();
  ImGui::End();
}

}  // namespace gatehouse::console::app
