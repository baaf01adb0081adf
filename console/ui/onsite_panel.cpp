// "On site now": everyone checked in and not out, with photos; print the evacuation list; manual
// exit.
#include <imgui.h>

#include "console_app.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"

namespace gatehouse::console::app {

namespace {

void drawExitButton(ConsoleApp& app, const OnSiteVisitor& v, int row) {
  const bool hasReason = !app.field("onsite.exit_reason").empty();
  if (!button("onsite.exit." + std::to_string(row), app.tr("onsite.exit"), false,
              hasReason && app.live && app.live->online()))
    return;
  const Uuid visit = v.visitId;
  const std::string reason = app.field("onsite.exit_reason"), name = v.visitorName;
  app.act([visit, reason](ConsoleBackend& b) { b.manualExit(visit, reason); }, {Resource::OnSite},
          [&app, name] {
            app.setStatus(app.trf("onsite.exited", {{"name", name}}));
          });
}

}  // namespace

void drawOnSiteTable(ConsoleApp& app, const std::vector<OnSiteVisitor>& list, bool withExit) {
  const auto& p = ui::palette();
  if (!ImGui::BeginTable(
          "onsite", withExit ? 6 : 5,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY))
    return;
  ImGui::TableSetupColumn(app.tr("col.photo").c_str(), ImGuiTableColumnFlags_WidthFixed, 76);
  ImGui::TableSetupColumn(app.tr("col.visitor").c_str());
  ImGui::TableSetupColumn(app.tr("col.unit").c_str());
  ImGui::TableSetupColumn(app.tr("col.entered").c_str());
  ImGui::TableSetupColumn(app.tr("col.expected_exit").c_str());
  if (withExit) ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 190);
  ImGui::TableHeadersRow();
  int i = 0;
  for (const auto& v : list) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    app.photos.draw("onsite" + v.visitId.toString(), v.photo, ImVec2(64, 64));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(v.visitorName.c_str());
    ImGui::TextColored(p.mutedText, "%s", v.kioskName.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(v.unitLabel.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(formatTime(v.enteredAt, true).c_str());
    ImGui::TableNextColumn();
    const bool over = v.expectedExitAt && *v.expectedExitAt < app.now();
    ImGui::TextColored(over ? p.danger : p.text, "%s",
                       v.expectedExitAt ? formatTime(*v.expectedExitAt, true).c_str() : "-");
    if (withExit) {
      ImGui::TableNextColumn();
      drawExitButton(app, v, i);
    }
    ++i;
  }
  ImGui::EndTable();
}

void drawOnSite(ConsoleApp& app) {
  const auto& p = ui::palette();
  const auto& s = app.live->snapshot();
  ImGui::PushFont(ui::fonts().large);
  ImGui::TextUnformatted(app.trf("onsite.title", {{"n", std::to_string(s.onSite.size())}}).c_str());
  ImGui::PopFont();
  ImGui::SameLine();
  if (button("onsite.print", app.tr("onsite.print"))) app.printEvacuation();
  if (s.onSiteFromCache) {
    ImGui::TextColored(
        p.danger, "%s",
        app.trf("onsite.cached",
                {{"at", s.onSiteCachedAt ? formatTime(*s.onSiteCachedAt, true) : "?"}})
            .c_str());
  }
  inputField(app, "onsite.exit_reason", app.tr("onsite.exit_reason"), 380);
  drawOnSiteTable(app, s.onSite, true);
}

}  // namespace gatehouse::console::app
