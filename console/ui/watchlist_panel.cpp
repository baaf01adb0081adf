// Watchlist management (admins): add by hand or from a visit with a reason, deactivate, see hits.
#include <imgui.h>

#include "console_app.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"

namespace gatehouse::console::app {

void drawWatchlist(ConsoleApp& app) {
  static std::int64_t hitsOf = 0;
  static std::vector<AlertItem> hits;
  static bool loading = false;
  auto reload = [&] {
    if (loading) return;
    loading = true;
    app.call<std::vector<WatchlistEntry>>([](ConsoleBackend& b) { return b.watchlist(); },
                                          [&app](std::vector<WatchlistEntry> w) {
                                            loading = false;
                                            app.watchlist = std::move(w);
                                          },
                                          [] { loading = false; });
  };
  // Hit counts change as kiosks report; a cheap reload every ~2 s at 60 fps keeps them current.
  static int frames = 0;
  if (frames++ % 120 == 0) reload();
  ImGui::PushFont(ui::fonts().large);
  ImGui::TextUnformatted(app.tr("watchlist.title").c_str());
  ImGui::PopFont();
  ImGui::TextColored(ui::palette().mutedText, "%s", app.tr("watchlist.hint").c_str());
  inputField(app, "watchlist.name", app.tr("watchlist.name"), 300);
  ImGui::SameLine();
  inputField(app, "watchlist.reason", app.tr("watchlist.reason"), 360);
  ImGui::SameLine();
  const std::string fromVisit = app.field("watchlist.from_visit");
  if (button("watchlist.add",
             app.tr(fromVisit.empty() ? "watchlist.add" : "watchlist.add_visit"))) {
    const auto visit = Uuid::parse(fromVisit);
    const std::string name = app.field("watchlist.name"), reason = app.field("watchlist.reason");
    app.act(
        [visit, name, reason](ConsoleBackend& b) {
          if (visit) {
            b.watchlistAddFromVisit(*visit, reason);
          } else {
            b.watchlistAdd(name, reason);
          }
        },
        {},
        [&app, reload] {
          app.field("watchlist.name").clear();
          app.field("watchlist.reason").clear();
          app.field("watchlist.from_visit").clear();
          app.setStatus(app.tr("watchlist.added"));
          reload();
        });
  }
  if (ImGui::BeginTable(
          "watchlist", 6,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY,
          ImVec2(0, hitsOf != 0 ? ImGui::GetContentRegionAvail().y * 0.55f : 0))) {
    for (const char* c :
         {"col.name", "col.match_key", "col.watch_reason", "col.added_by", "col.hits", ""}) {
      ImGui::TableSetupColumn(*c ? app.tr(c).c_str() : "");
    }
    ImGui::TableHeadersRow();
    int i = 0;
    for (const auto& w : app.watchlist) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextColored(w.active ? ui::palette().text : ui::palette().mutedText, "%s%s",
                         w.fullName.c_str(), w.active ? "" : app.tr("watchlist.inactive").c_str());
      ImGui::TableNextColumn();
      ImGui::TextColored(ui::palette().mutedText, "%s", w.nameKey.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(w.reason.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(w.addedBy.c_str());
      ImGui::TableNextColumn();
      if (button("watchlist.hits." + std::to_string(i), std::to_string(w.hits), false,
                 w.hits > 0)) {
        const std::int64_t id = w.id;
        app.call<std::vector<AlertItem>>([id](ConsoleBackend& b) { return b.watchlistHits(id); },
                                         [id](std::vector<AlertItem> h) {
                                           hits = std::move(h);
                                           hitsOf = id;
                                         });
      }
      ImGui::TableNextColumn();
      if (button("watchlist.toggle." + std::to_string(i),
                 app.tr(w.active ? "watchlist.deactivate" : "watchlist.activate"), false)) {
        const std::int64_t id = w.id;
        const bool active = !w.active;
        app.act([id, active](ConsoleBackend& b) { b.watchlistSetActive(id, active); }, {}, reload);
      }
      ++i;
    }
    ImGui::EndTable();
  }
  if (hitsOf != 0) {
    ImGui::Separator();
    ImGui::TextUnformatted(
        app.trf("watchlist.hits_of", {{"n", std::to_string(hits.size())}}).c_str());
    for (const auto& h : hits) {
      ImGui::BulletText("%s  %s  %s  %s", formatTime(h.createdAt, true).c_str(),
                        h.visitorName.c_str(), h.kioskName.c_str(),
                        h.acknowledgedBy
                            ? app.trf("watchlist.acked_by", {{"name", *h.acknowledgedBy}}).c_str()
                            : "");
    }
  }
}

}  // namespace gatehouse::console::app
