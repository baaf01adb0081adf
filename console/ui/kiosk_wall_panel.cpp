// Kiosk wall: one tile per kiosk, red when its heartbeat is stale, with faults, plugged scanners,
// the latest visitor and a remote "Open gate"; every code shown as a translated phrase.
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
    ImGui::BeginChild(("kiosk" + std::to_string(k.id)).c_str(), ImVec2(tileW, 240), true,
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
    ImGui::TextUnformatted(
        app.trf("wall.screen_is",
                {{"screen", app.phrase("screen.", k.screen.empty() ? "none" : k.screen)}})
            .c_str());
    ImGui::TextColored(k.outboxDepth > 0 ? p.warning : p.mutedText, "%s",
                       app.trf("wall.outbox", {{"n", std::to_string(k.outboxDepth)}}).c_str());
    ImGui::EndGroup();
    for (const auto& f : k.faults) ImGui::TextColored(p.warning, "%s", app.faultPhrase(f).c_str());
    for (const auto& [device, state] : k.devices) {
      const bool bad = state == "unplugged" || state == "fault" || state == "error";
      ImGui::TextColored(bad ? p.warning : p.mutedText, "%s",
                         app.trf("wall.device", {{"device", app.phrase("device.", device)},
                                                 {"state", app.phrase("device_state.", state)}})
                             .c_str());
    }
    if (!k.latestVisitor.empty())
      ImGui::TextColored(p.mutedText, "%s",
                         app.trf("wall.latest", {{"name", k.latestVisitor}}).c_str());
    if (button("wall.gate." + std::to_string(k.id), app.tr("gate.open"), false)) {
      app.gateKiosk = k.id;
      app.gateDirection = "entry";
      app.field("gate.reason").clear();
    }
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

namespace gatehouse::console::app {

void drawGateDialog(ConsoleApp& app) {
  if (!app.gateKiosk) return;
  std::string name;
  for (const auto& k : app.live->snapshot().kiosks)
    if (k.id == *app.gateKiosk) name = k.name;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->Size.x / 2, vp->Size.y / 2), ImGuiCond_Always,
                          ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(720, 0));
  ImGui::Begin("gate", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
  ImGui::PushFont(ui::fonts().large);
  ImGui::TextUnformatted(app.trf("gate.title", {{"kiosk", name}}).c_str());
  ImGui::PopFont();
  if (button("gate.entry", app.tr("gate.entry"), app.gateDirection == "entry"))
    app.gateDirection = "entry";
  ImGui::SameLine();
  if (button("gate.exit", app.tr("gate.exit"), app.gateDirection == "exit"))
    app.gateDirection = "exit";
  const bool enter = inputField(app, "gate.reason", app.tr("gate.reason"), 560);
  const bool hasReason = app.field("gate.reason").find_first_not_of(' ') != std::string::npos;
  if (button("gate.confirm", app.tr("gate.confirm"), true, hasReason) || (enter && hasReason)) {
    app.openGate(*app.gateKiosk, app.gateDirection, app.field("gate.reason"));
    app.gateKiosk.reset();
  }
  ImGui::SameLine();
  if (button("gate.cancel", app.tr("decide.cancel"), false) ||
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
    app.gateKiosk.reset();
  ImGui::End();
}

}  // namespace gatehouse::console::app
