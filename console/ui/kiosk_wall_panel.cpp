// Kiosk wall: one tile per kiosk, red when its heartbeat is stale, with faults and the latest
// visitor.
#include <imgui.h>

#include "console_app.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"

namespace gatehouse::console::app {

void drawKioskWall(ConsoleApp& app) {
  const auto& p = ui::palette();
  const auto& kiosks = app.live->snapshot().kiosks;
  ImGui::PushFont(ui::fonts().large);
  ImGui::TextUnformatted(app.tr("wall.title").c_str());
  ImGui::PopFont();
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const int perRow = std::max(1, std::min(static_cast<int>(kiosks.size()), 4));
  const float tileW = (ImGui::GetContentRegionAvail().x - gap * static_cast<float>(perRow - 1)) /
                      static_cast<float>(perRow);
  int i = 0;
  for (const auto& k : kiosks) {
    if (i % perRow != 0) ImGui::SameLine();
    ImVec4 border = k.online ? (k.faults.empty() ? p.success : p.warning) : p.danger;
    ImGui::PushStyleColor(ImGuiCol_Border, border);
    ImGui::PushStyleVar(ImGuiStyleVar_ChildBorderSize, 3.0f);
    if (!k.online) ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.35f, 0.05f, 0.05f, 1.0f));
    ImGui::BeginChild(("kiosk" + std::to_string(k.id)).c_str(), ImVec2(tileW, 190), true,
                      ImGuiWindowFlags_NoScrollbar);
    app.photos.draw(k.latestPhotoId ? k.latestPhotoId->toString() : "none", k.latestPhoto,
                    ImVec2(96, 96));
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::PushFont(ui::fonts().large);
    ImGui::TextUnformatted(k.name.c_str());
    ImGui::PopFont();
    if (k.online) {
      ImGui::TextColored(
          p.success, "%s",
          app.trf("wall.online", {{"age", formatDuration(k.heartbeatAgeS)}}).c_str());
    } else {
      ImGui::TextColored(
          p.danger, "%s",
          k.heartbeatAgeS < 0
              ? app.tr("wall.never").c_str()
              : app.trf("wall.offline", {{"age", formatDuration(k.heartbeatAgeS)}}).c_str());
    }
    ImGui::Text("%s: %s", app.tr("wall.screen").c_str(), k.screen.empty() ? "-" : k.screen.c_str());
    ImGui::TextColored(k.outboxDepth > 0 ? p.warning : p.mutedText, "%s",
                       app.trf("wall.outbox", {{"n", std::to_string(k.outboxDepth)}}).c_str());
    ImGui::EndGroup();
    for (const auto& f : k.faults) ImGui::TextColored(p.warning, "! %s", f.c_str());
    if (!k.latestVisitor.empty())
      ImGui::TextColored(p.mutedText, "%s",
                         app.trf("wall.latest", {{"name", k.latestVisitor}}).c_str());
    ImGui::EndChild();
    if (!k.online) ImGui::PopStyleColor();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
    ++i;
  }
  if (kiosks.empty()) ImGui::TextColored(p.mutedText, "%s", app.tr("wall.none").c_str());
  ImGui::Spacing();
}

}  // namespace gatehouse::console::app
