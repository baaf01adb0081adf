// The offline on-site list: the sealed copy opened with a guard's password while the server is
// away. Read-only, labelled OFFLINE with the time it was saved; printing is local (CUPS).
#include <imgui.h>

#include "console_app.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"

namespace gatehouse::console::app {

void drawOffline(ConsoleApp& app) {
  const auto& p = ui::palette();
  const CachedOnSite& list = *app.offline->list();
  const std::string at = formatTime(list.savedAt, true);
  const bool back = app.offline->server() == ServerReach::Reachable;
  ImGui::PushFont(ui::fonts().large);
  ImGui::TextColored(p.danger, "%s", app.trf("offline.banner", {{"at", at}}).c_str());
  ImGui::PopFont();
  ImGui::TextColored(back ? p.success : p.warning, "%s",
                     app.tr(back ? "offline.server_back" : "offline.server_down").c_str());
  ImGui::SameLine();
  if (button("offline.signin", app.tr("offline.signin"), back)) app.closeOffline();
  ImGui::PushFont(ui::fonts().large);
  ImGui::TextUnformatted(
      app.trf("offline.count", {{"at", at}, {"n", std::to_string(list.visitors.size())}}).c_str());
  ImGui::PopFont();
  ImGui::SameLine();
  if (button("offline.print", app.tr("onsite.print")))
    app.printEvacuation(list.visitors, app.trf("offline.pdf_title", {{"at", at}}), true);
  const float footer = ImGui::GetTextLineHeightWithSpacing() + 8;
  ImGui::BeginChild("offline.list", ImVec2(0, -footer));
  drawOnSiteTable(app, list.visitors, false);
  ImGui::EndChild();
  ImGui::TextColored(app.statusIsError ? p.danger : p.mutedText, "%s", app.status.c_str());
}

}  // namespace gatehouse::console::app
