// Open alerts, newest first, repeated ones grouped with a count; a group is acknowledged
// together under the signed-in guard's name; a card shows the photo the kiosk attached.
#include <imgui.h>

#include "console_app.hpp"
#include "gatehouse/console/alert_groups.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"

namespace gatehouse::console::app {

void drawAlerts(ConsoleApp& app) {
  const auto& p = ui::palette();
  const auto groups = groupAlerts(app.live->snapshot().alerts);
  ImGui::PushFont(ui::fonts().large);
  ImGui::TextUnformatted(app.trf("alerts.title", {{"n", std::to_string(groups.size())}}).c_str());
  ImGui::PopFont();
  ImGui::TextColored(p.mutedText, "%s", app.tr("alerts.shortcuts").c_str());
  if (groups.empty()) ImGui::TextColored(p.mutedText, "%s", app.tr("alerts.empty").c_str());
  int i = 0;
  for (const auto& g : groups) {
    const AlertItem& a = g.latest;
    const bool severe = a.kind == "watchlist_hit" || a.kind == "kiosk_offline" ||
                        a.kind == "report" || a.kind == "badge_used";
    const bool selected = i == app.selectedAlert;
    ImGui::PushStyleColor(ImGuiCol_Border, selected ? p.accent : severe ? p.danger : p.warning);
    ImGui::PushStyleVar(ImGuiStyleVar_ChildBorderSize, selected ? 3.0f : 1.5f);
    ImGui::BeginChild(("alert" + g.key).c_str(), ImVec2(0, 92), true, ImGuiWindowFlags_NoScrollbar);
    if (!a.photo.empty()) {  // the photo that explains it; click (or tap "view") to enlarge
      app.photos.draw("alertphoto" + std::to_string(a.id), a.photo, ImVec2(72, 72));
      const bool clicked = ImGui::IsItemClicked();
      ImGui::SameLine();
      ImGui::BeginGroup();
      if (clicked) app.enlargedPhoto = ConsoleApp::EnlargedPhoto{std::nullopt, a.id};
    }
    ImGui::TextColored(severe ? p.danger : p.warning, "%s", app.tr("alert.kind." + a.kind).c_str());
    if (g.count() > 1) {
      ImGui::SameLine();
      ImGui::TextColored(severe ? p.danger : p.warning, "%s",
                         app.trf("alerts.repeated", {{"n", std::to_string(g.count())}}).c_str());
    }
    ImGui::SameLine();
    ImGui::TextColored(p.mutedText, "%s",
                       g.count() > 1
                           ? (formatTime(g.first) + " - " + formatTime(a.createdAt)).c_str()
                           : formatTime(a.createdAt).c_str());
    ImGui::TextUnformatted(a.summary.c_str());
    if (!a.photo.empty()) {
      ImGui::EndGroup();
      ImGui::SameLine(ImGui::GetWindowWidth() - 330);
      if (button("alert.photo." + std::to_string(a.id), app.tr("alerts.view_photo"), false))
        app.enlargedPhoto = ConsoleApp::EnlargedPhoto{std::nullopt, a.id};
    }
    ImGui::SameLine(ImGui::GetWindowWidth() - 170);
    if (button("alert.ack." + std::to_string(i),
               app.tr(g.count() > 1 ? "alerts.ack_all" : "alerts.ack")))
      app.acknowledge(g.ids);
    ImGui::EndChild();
    if (ImGui::IsItemClicked()) app.selectedAlert = i;
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
    ++i;
  }
}

}  // namespace gatehouse::console::app
