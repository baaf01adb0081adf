// Reports (admins): visitors per day and per hour of week as charts, decision times, rates, per
// kiosk.
#include <imgui.h>

#include <algorithm>

#include "console_app.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"

namespace gatehouse::console::app {

void drawReports(ConsoleApp& app) {
  const auto& p = ui::palette();
  ImGui::PushFont(ui::fonts().large);
  ImGui::TextUnformatted(app.tr("reports.title").c_str());
  ImGui::PopFont();
  for (int days : {7, 30, 90}) {
    if (button("reports.days." + std::to_string(days),
               app.trf("reports.days", {{"n", std::to_string(days)}}), false)) {
      app.loadReport(days);
    }
    ImGui::SameLine();
  }
  if (button("reports.export", app.tr("reports.export"), true, app.report.has_value()))
    app.exportReport();
  if (!app.report) app.loadReport(30);  // once: a request in flight is not repeated
  if (!app.report) return;
  const Report& r = *app.report;
  ImGui::Text("%s", app.trf("reports.summary", {{"visits", std::to_string(r.visits)},
                                                {"avg", formatDuration(r.avgDecisionS)},
                                                {"p90", formatDuration(r.p90DecisionS)}})
                        .c_str());
  char rates[128];
  std::snprintf(rates, sizeof rates, "%.1f %% / %.1f %%", r.denialRate * 100, r.timeoutRate * 100);
  ImGui::Text("%s %s", app.tr("reports.rates").c_str(), rates);
  std::vector<float> perDay;
  int maxDay = 0;
  for (const auto& d : r.perDay) {
    perDay.push_back(static_cast<float>(d.second));
    maxDay = std::max(maxDay, d.second);
  }
  ImGui::TextUnformatted(app.tr("reports.per_day").c_str());
  ImGui::PlotHistogram("##perday", perDay.data(), static_cast<int>(perDay.size()), 0, nullptr, 0,
                       static_cast<float>(maxDay) * 1.1f + 1,
                       ImVec2(ImGui::GetContentRegionAvail().x, 140));
  // Hour-of-week heat map on the draw list.
  ImGui::TextUnformatted(app.tr("reports.per_hour").c_str());
  int maxCell = 1;
  for (const auto& d : r.perHourOfWeek)
    for (int n : d) maxCell = std::max(maxCell, n);
  const char* days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  const ImVec2 o = ImGui::GetCursorScreenPos();
  auto* dl = ImGui::GetWindowDrawList();
  const float cw = 26, ch = 20, left = 44;
  for (int d = 0; d < 7; ++d) {
    dl->AddText(ImVec2(o.x, o.y + static_cast<float>(d) * ch), ImGui::GetColorU32(p.mutedText),
                days[d]);
    for (int h = 0; h < 24; ++h) {
      const float v =
          static_cast<float>(
              r.perHourOfWeek[static_cast<std::size_t>(d)][static_cast<std::size_t>(h)]) /
          static_cast<float>(maxCell);
      const ImVec4 c(p.surface.x + (p.accent.x - p.surface.x) * v,
                     p.surface.y + (p.accent.y - p.surface.y) * v,
                     p.surface.z + (p.accent.z - p.surface.z) * v, 1);
      const ImVec2 a(o.x + left + static_cast<float>(h) * cw, o.y + static_cast<float>(d) * ch);
      dl->AddRectFilled(a, ImVec2(a.x + cw - 2, a.y + ch - 2), ImGui::GetColorU32(c), 2);
    }
  }
  for (int h = 0; h < 24; h += 3) {
    dl->AddText(ImVec2(o.x + left + static_cast<float>(h) * cw, o.y + 7 * ch),
                ImGui::GetColorU32(p.mutedText), std::to_string(h).c_str());
  }
  ImGui::Dummy(ImVec2(left + 24 * cw, 8 * ch + 4));
  if (ImGui::BeginTable("perkiosk", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
    for (const char* c :
         {"col.kiosk", "col.visits", "col.avg_decision", "col.denied", "col.timed_out"}) {
      ImGui::TableSetupColumn(app.tr(c).c_str());
    }
    ImGui::TableHeadersRow();
    for (const auto& k : r.perKiosk) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(k.kiosk.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%d", k.visits);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(formatDuration(k.avgDecisionS).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.1f %%", k.denialRate * 100);
      ImGui::TableNextColumn();
      ImGui::Text("%.1f %%", k.timeoutRate * 100);
    }
    ImGui::EndTable();
  }
}

}  // namespace gatehouse::console::app
