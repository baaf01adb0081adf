// Retention (admins): how long the estate keeps photos, ID data, names and notifications, and
// the legal holds that exempt a visit from purge (issue 14).
#include <imgui.h>

#include "console_app.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"

namespace gatehouse::console::app {

namespace {

struct DayField {
  const char* id;
  int RetentionSettings::*days;
};
const DayField kFields[] = {
    {"retention.photos_days", &RetentionSettings::photosDays},
    {"retention.id_data_days", &RetentionSettings::idDataDays},
    {"retention.names_days", &RetentionSettings::namesDays},
    {"retention.notifications_days", &RetentionSettings::notificationsDays}};

void show(ConsoleApp& app, const RetentionSettings& r) {
  app.retention = r;
  for (const auto& f : kFields) app.field(f.id) = std::to_string(r.*f.days);
}

}  // namespace

void drawRetention(ConsoleApp& app) {
  const auto& p = ui::palette();
  if (!app.retention && !app.retentionLoading) {
    app.retentionLoading = true;
    app.call<RetentionSettings>([](ConsoleBackend& b) { return b.retention(); },
                                [&app](RetentionSettings r) {
                                  app.retentionLoading = false;
                                  show(app, r);
                                },
                                [&app] { app.retentionLoading = false; });
  }
  ImGui::PushFont(ui::fonts().large);
  ImGui::TextUnformatted(app.tr("retention.title").c_str());
  ImGui::PopFont();
  ImGui::TextColored(p.mutedText, "%s", app.tr("retention.hint").c_str());
  if (!app.retention) return;
  RetentionSettings change = *app.retention;
  bool valid = true;
  for (const auto& f : kFields) {
    inputField(app, f.id, app.tr(f.id), 120);
    const std::string& text = app.field(f.id);
    int v = 0;
    const bool number = !text.empty() && text.size() < 6 &&
                        text.find_first_not_of("0123456789") == std::string::npos;
    if (number) v = std::stoi(text);
    if (!number || v < 1 || v > 3650) {
      valid = false;
      ImGui::SameLine();
      ImGui::TextColored(p.danger, "%s", app.tr("retention.bad_days").c_str());
    }
    change.*f.days = v;
  }
  if (button("retention.save", app.tr("retention.save"), true, valid)) {
    app.call<RetentionSettings>([change](ConsoleBackend& b) { return b.setRetention(change); },
                                [&app](RetentionSettings r) {
                                  show(app, r);
                                  app.setStatus(app.tr("retention.saved"));
                                });
  }
  ImGui::Separator();
  ImGui::TextUnformatted(
      app.trf("retention.holds", {{"n", std::to_string(app.retention->legalHolds.size())}})
          .c_str());
  if (ImGui::BeginTable("holds", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
    for (const char* c : {"col.visit", "col.watch_reason", "col.added_by", "col.placed_at"})
      ImGui::TableSetupColumn(app.tr(c).c_str());
    ImGui::TableHeadersRow();
    for (const auto& h : app.retention->legalHolds) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(h.visitId.toString().c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(h.reason.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(h.placedBy.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(formatTime(h.placedAt, true).c_str());
    }
    ImGui::EndTable();
  }
}

}  // namespace gatehouse::console::app
