// Open alerts, newest first; each acknowledged under the signed-in guard's name.
#include <imgui.h>

#include "console_app.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"

namespace gatehouse::console::app {

void drawAlerts(ConsoleApp& app) {
  const auto& p = ui::palette();
  const auto& alerts = app.live->snapshot().alerts;
  ImGui::PushFont(ui::fonts().large);
  ImGui::TextUnformatted(app.trf("alerts.title", {{"n", std::to_string(alerts.size())}}).c_str());
  ImGui::PopFont();
  ImGui::TextColored(p.mutedText, "%s", app.tr("alerts.shortcuts").c_str());
  if (alerts.empty()) ImGui::TextColored(p.mutedText, "%s", app.tr("alerts.empty").c_str());
  int i = 0;
  for (const auto& a : alerts) {
    const bool severe = a.kind == "watchlist_hit" || a.kind == "kiosk_offline" ||
                        a.kind == "report" || a.kind == "badge_used";
    const bool selected = i == app.selectedAlert;
    ImGui::PushStyleColor(ImGuiCol_Border, selected ? p.accent : severe ? p.danger : p.warning);
    ImGui::PushStyleVar(ImGuiStyleVar_ChildBorderSize, selected ? 3.0f : 1.5f);
    ImGui::BeginChild(("alert" + std::to_string(a.id)).c_str(), ImVec2(0, 92), true,
                      ImGuiWindowFlags_NoScrollbar);
    ImGui::TextColored(severe ? p.danger : p.warning, "%s", app.tr("alert.kind." + a.kind).c_str());
    ImGui::SameLine();
    ImGui::TextColored(p.mutedText, "%s", formatTime(a.createdAt).c_str());
    ImGui::TextUnformatted(a.summary.c_str());
    ImGui::SameLine(ImGui::GetWindowWidth() - 170);
    if (button("alert.ack." + std::to_string(i), app.tr("alerts.ack"))) app.acknowledge(a.id);
    ImGui::EndChild();
    if (ImGui::IsItemClicked()) app.selectedAlert = i;
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
    ++i;
  }
}

}  // namespace gatehouse::console::app
