// History search by name, unit, date range, kiosk or status, with the visit's photo on selection.
#include <imgui.h>

#include "console_app.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"

namespace gatehouse::console::app {

namespace {

// Registers the row just drawn as touch target "history.row.N", so a script can select it.
void registerRow(int row) {
  ui::TouchRegistry::instance().addVisible("history.row." + std::to_string(row),
                                           ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), true);
}

}  // namespace

void drawHistory(ConsoleApp& app) {
  static std::string selected;
  static Photo selectedPhoto;
  ImGui::PushFont(ui::fonts().large);
  ImGui::TextUnformatted(app.tr("history.title").c_str());
  ImGui::PopFont();
  bool go = inputField(app, "history.name", app.tr("history.name"), 220);
  ImGui::SameLine();
  go |= inputField(app, "history.unit", app.tr("history.unit"), 90);
  ImGui::SameLine();
  go |= inputField(app, "history.from", app.tr("history.from"), 120);
  ImGui::SameLine();
  go |= inputField(app, "history.to", app.tr("history.to"), 120);
  go |= inputField(app, "history.kiosk", app.tr("history.kiosk"), 220);
  ImGui::SameLine();
  go |= inputField(app, "history.status", app.tr("history.status"), 140);
  ImGui::SameLine();
  if (button("history.search", app.tr("history.search")) || go) app.runSearch();
  const float photoW = selected.empty() ? 0 : 220;
  ImGui::BeginChild("results", ImVec2(-photoW, 0));
  if (ImGui::BeginTable(
          "history", 6,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY)) {
    for (const char* c :
         {"col.requested", "col.visitor", "col.unit", "col.kiosk", "col.status", "col.reason"}) {
      ImGui::TableSetupColumn(app.tr(c).c_str());
    }
    ImGui::TableHeadersRow();
    int row = 0;
    for (const auto& h : app.history) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const std::string id = h.visitId.toString();
      const bool clicked = ImGui::Selectable((formatTime(h.requestedAt, true) + "##" + id).c_str(),
                                             selected == id, ImGuiSelectableFlags_SpanAllColumns);
      registerRow(row++);
      if (clicked) {
        selected = id;
        selectedPhoto = {};
        const Uuid visit = h.visitId;
        app.call<Photo>([visit](ConsoleBackend& b) { return b.visitPhoto(visit); },
                        [id](Photo p) {
                          if (selected == id) selectedPhoto = std::move(p);
                        });
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(h.visitorName.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(h.unitLabel.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(h.kioskName.c_str());
      ImGui::TableNextColumn();
      ImGui::TextColored(h.held ? ui::palette().danger : ui::palette().text, "%s",
                         app.tr("status." + h.status).c_str());
      if (h.escalated) {  // the resident did not answer in time: the guards decided
        ImGui::SameLine();
        ImGui::TextColored(ui::palette().warning, "(%s)", app.tr("history.escalated").c_str());
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(h.decisionReason.c_str());
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
  if (!selected.empty()) {
    ImGui::SameLine();
    ImGui::BeginGroup();
    app.photos.draw("history" + selected, selectedPhoto, ImVec2(200, 200));
    if (app.session && app.session->isAdmin() &&
        button("history.watchlist", app.tr("history.to_watchlist"), false)) {
      app.field("watchlist.from_visit") = selected;
      app.panel = Panel::Watchlist;
    }
    if (app.session && button("history.evidence", app.tr("history.export_evidence"), false)) {
      if (auto v = Uuid::parse(selected)) app.exportEvidence(*v);
    }
    ImGui::EndGroup();
  }
}

}  // namespace gatehouse::console::app
