// ConsoleApp: the frame loop, header and navigation, shortcuts, actions and the script hooks.
#include "console_app.hpp"

#include <SDL.h>
#include <imgui.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/console/auth.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/script.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"

namespace gatehouse::console::app {

const char* panelName(Panel p) {
  switch (p) {
    case Panel::SignIn:
      return "signin";
    case Panel::Overview:
      return "overview";
    case Panel::OnSite:
      return "onsite";
    case Panel::History:
      return "history";
    case Panel::Watchlist:
      return "watchlist";
    case Panel::Reports:
      return "reports";
    case Panel::ManualEntry:
      return "manual";
  }
  return "?";
}

ConsoleApp::ConsoleApp(AppOptions opts, ui::Translations& tr) : options(std::move(opts)), tr_(tr) {
  cue.setEnabled(options.config.sound);
  field("signin.email") = options.email;
  field("signin.password") = options.password;
#ifdef GATEHOUSE_CONSOLE_CAMERA
  camera = ConsoleCamera::open(options.config, cameraError);
#else
  if (!options.config.cameraDriver.empty()) cameraError = "this build has no devices library";
#endif
}

ConsoleApp::~ConsoleApp() = default;

TimePoint ConsoleApp::now() const { return std::chrono::system_clock::now(); }

void ConsoleApp::setStatus(const std::string& text, bool error) {
  status = text;
  statusIsError = error;
}

void ConsoleApp::signIn() {
  try {
    backend::Connection conn(options.databaseUrl);
    auto s = console::signIn(
        conn, {field("signin.email"), field("signin.password"), field("signin.totp")},
        SystemClock::instance());
    if (!s) {
      setStatus(tr("signin.error." + s.error().code), true);
      return;
    }
    session = *s;
    field("signin.password").clear();
    field("signin.totp").clear();
    LiveOptions lo;
    lo.offlineAfter =
        std::chrono::duration_cast<std::chrono::milliseconds>(options.config.offlineAfter);
    lo.cachePath = options.config.cachePath;
    live = std::make_unique<LiveConsole>(options.databaseUrl, session->personId,
                                         SystemClock::instance(), lo);
    live->start();
    if (live->store()) units = live->store()->units();
    panel = Panel::Overview;
    setStatus(trf("signin.welcome", {{"name", session->fullName}}));
  } catch (const backend::Error& e) {
    setStatus(tr("status.db_unreachable") + " (" + e.what() + ")", true);
  }
}

void ConsoleApp::signOut() {
  live.reset();
  session.reset();
  photos.clear();
  panel = Panel::SignIn;
}

void ConsoleApp::openDecision(const Uuid& visit, bool approve) {
  decideVisit = visit;
  decideApprove = approve;
  field("decide.reason").clear();
}

void ConsoleApp::confirmDecision() {
  if (!decideVisit || !live) return;
  const std::string reason = field("decide.reason");
  if (reason.find_first_not_of(' ') == std::string::npos) {
    setStatus(tr("decide.reason_required"), true);
    return;
  }
  if (auto err = live->decide(*decideVisit, decideApprove, reason)) {
    setStatus(tr("decide.failed") + ": " + *err, true);
  } else {
    setStatus(tr(decideApprove ? "decide.approved" : "decide.denied"));
  }
  decideVisit.reset();
}

void ConsoleApp::acknowledge(std::int64_t alertId) {
  if (!live) return;
  if (auto err = live->acknowledge(alertId)) {
    setStatus(tr("alerts.ack_failed") + ": " + *err, true);
  } else {
    setStatus(tr("alerts.acknowledged"));
  }
}

void ConsoleApp::printEvacuation() {
  if (!live || !session) return;
  const auto& s = live->snapshot();
  const std::string path =
      (std::filesystem::path(options.config.exportDir) / "evacuation-list.pdf").string();
  if (auto r = writeEvacuationPdf(s.onSite, session->estateName, now(), s.onSiteFromCache, path);
      !r) {
    setStatus(r.error().message, true);
  } else {
    setStatus(trf("onsite.printed", {{"path", path}}));
  }
}

void ConsoleApp::runSearch() {
  if (!live || !live->store()) return;
  HistoryQuery q;
  q.name = field("history.name");
  q.unit = field("history.unit");
  q.status = field("history.status");
  auto parseDate = [](const std::string& s) -> std::optional<TimePoint> {
    std::tm tm{};
    if (s.size() != 10 || !strptime(s.c_str(), "%Y-%m-%d", &tm)) return std::nullopt;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
  };
  q.from = parseDate(field("history.from"));
  if (auto to = parseDate(field("history.to"))) q.to = *to + std::chrono::hours(24);
  if (const auto& k = field("history.kiosk"); !k.empty()) {
    for (const auto& t : live->snapshot().kiosks)
      if (t.name == k || std::to_string(t.id) == k) q.kioskId = t.id;
  }
  try {
    const auto t0 = std::chrono::steady_clock::now();
    history = live->store()->search(q);
    const auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", ms);
    setStatus(trf("history.found", {{"n", std::to_string(history.size())}, {"ms", buf}}));
  } catch (const backend::Error& e) {
    setStatus(e.what(), true);
  }
}

void ConsoleApp::loadReport(int days) {
  if (!live || !session) return;
  try {
    backend::Connection conn(options.databaseUrl);
    report =
        console::loadReport(conn, session->personId, now() - std::chrono::hours(24 * days), now());
  } catch (const backend::Error& e) {
    setStatus(e.what(), true);
  }
}

void ConsoleApp::exportReport() {
  if (!report || !session) return;
  const auto dir = std::filesystem::path(options.config.exportDir);
  std::ofstream(dir / "report.csv") << reportCsv(*report);
  if (auto r = writeReportPdf(*report, session->estateName, (dir / "report.pdf").string()); !r) {
    setStatus(r.error().message, true);
    return;
  }
  setStatus(trf("reports.exported", {{"path", (dir / "report.{csv,pdf}").string()}}));
}

bool inputField(ConsoleApp& app, const std::string& id, const std::string& label, float width,
                bool password) {
  std::string& value = app.field(id);
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s", value.c_str());
  if (width > 0) ImGui::SetNextItemWidth(width);
  const std::string l = label + "###" + id;
  const bool enter = ImGui::InputText(
      l.c_str(), buf, sizeof buf,
      (password ? ImGuiInputTextFlags_Password : 0) | ImGuiInputTextFlags_EnterReturnsTrue);
  ui::TouchRegistry::instance().add(id, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), true);
  value = buf;
  return enter;
}

bool button(const std::string& id, const std::string& label, bool primary, bool enabled,
            bool danger) {
  return ui::touchButton(id, label, {0, 0},
                         danger    ? ui::ButtonStyle::Danger
                         : primary ? ui::ButtonStyle::Primary
                                   : ui::ButtonStyle::Secondary,
                         enabled);
}

void ConsoleApp::drawHeader() {
  const auto& p = ui::palette();
  ImGui::PushFont(ui::fonts().large);
  ImGui::TextUnformatted(
      ("Gatehouse · " + (session ? session->estateName : std::string())).c_str());
  ImGui::PopFont();
  ImGui::SameLine();
  if (live) {
    const bool up = live->online();
    ImGui::SameLine(ImGui::GetWindowWidth() * 0.45f);
    ImGui::TextColored(up ? p.success : p.danger, "%s",
                       tr(up ? "status.live" : "status.reconnecting").c_str());
    const auto& s = live->snapshot();
    ImGui::SameLine();
    ImGui::TextColored(s.queue.empty() ? p.mutedText : p.warning, "%s",
                       trf("status.counts", {{"queue", std::to_string(s.queue.size())},
                                             {"alerts", std::to_string(s.alerts.size())},
                                             {"onsite", std::to_string(s.onSite.size())}})
                           .c_str());
  }
  ImGui::SameLine(ImGui::GetWindowWidth() - 330);
  ImGui::TextColored(
      p.mutedText, "%s  %s", formatTime(now(), true).c_str(),
      session ? (session->fullName + " (" + tr("role." + session->role) + ")").c_str() : "");
}

void ConsoleApp::drawNav() {
  struct Item {
    Panel panel;
    const char* id;
    const char* key;
    bool adminOnly;
  };
  static const Item items[] = {{Panel::Overview, "nav.overview", "nav.overview", false},
                               {Panel::OnSite, "nav.onsite", "nav.onsite", false},
                               {Panel::ManualEntry, "nav.manual", "nav.manual", false},
                               {Panel::History, "nav.history", "nav.history", false},
                               {Panel::Watchlist, "nav.watchlist", "nav.watchlist", true},
                               {Panel::Reports, "nav.reports", "nav.reports", true}};
  int n = 1;
  for (const auto& it : items) {
    if (it.adminOnly && !(session && session->isAdmin())) continue;
    if (button(it.id, "F" + std::to_string(n) + " " + tr(it.key), panel == it.panel))
      panel = it.panel;
    ImGui::SameLine();
    ++n;
  }
  if (button("nav.signout", tr("nav.signout"), false)) signOut();
}

// ImGui 1.86 indexes keys by SDL scancode (io.KeysDown); the script injects one key per frame.
void ConsoleApp::handleShortcuts() {
  const int injected = injectedKey_;
  injectedKey_ = 0;
  if (!live || ImGui::GetIO().WantTextInput || decideVisit) return;
  auto pressed = [&](int sc) { return injected == sc || ImGui::IsKeyPressed(sc, false); };
  const Panel order[] = {Panel::Overview, Panel::OnSite,    Panel::ManualEntry,
                         Panel::History,  Panel::Watchlist, Panel::Reports};
  const int count = session && session->isAdmin() ? 6 : 4;
  for (int i = 0; i < count; ++i) {
    if (pressed(SDL_SCANCODE_F1 + i)) panel = order[i];
  }
  if (panel != Panel::Overview) return;
  const auto& s = live->snapshot();
  if (pressed(SDL_SCANCODE_DOWN)) ++selectedVisit;
  if (pressed(SDL_SCANCODE_UP)) --selectedVisit;
  if (pressed(SDL_SCANCODE_PAGEDOWN)) ++selectedAlert;
  if (pressed(SDL_SCANCODE_PAGEUP)) --selectedAlert;
  selectedVisit = std::clamp(selectedVisit, 0, std::max(0, static_cast<int>(s.queue.size()) - 1));
  selectedAlert = std::clamp(selectedAlert, 0, std::max(0, static_cast<int>(s.alerts.size()) - 1));
  if (!s.queue.empty()) {
    if (pressed(SDL_SCANCODE_A))
      openDecision(s.queue[static_cast<std::size_t>(selectedVisit)].id, true);
    if (pressed(SDL_SCANCODE_D))
      openDecision(s.queue[static_cast<std::size_t>(selectedVisit)].id, false);
  }
  if (!s.alerts.empty() && pressed(SDL_SCANCODE_K))
    acknowledge(s.alerts[static_cast<std::size_t>(selectedAlert)].id);
}

void ConsoleApp::drawFrame() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->Pos);
  ImGui::SetNextWindowSize(vp->Size);
  ImGui::Begin("console", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings);
  if (!session) {
    drawSignIn(*this);
  } else {
    drawHeader();
    drawNav();
    ImGui::Separator();
    handleShortcuts();
    const float footer = ImGui::GetTextLineHeightWithSpacing() + 8;
    ImGui::BeginChild("panel", ImVec2(0, -footer));
    switch (panel) {
      case Panel::Overview:
        drawKioskWall(*this);
        if (ImGui::BeginTable("overview", 2,
                              ImGuiTableFlags_Resizable | ImGuiTableFlags_BordersInnerV)) {
          ImGui::TableNextColumn();
          drawQueue(*this);
          ImGui::TableNextColumn();
          drawAlerts(*this);
          ImGui::EndTable();
        }
        break;
      case Panel::OnSite:
        drawOnSite(*this);
        break;
      case Panel::History:
        drawHistory(*this);
        break;
      case Panel::Watchlist:
        drawWatchlist(*this);
        break;
      case Panel::Reports:
        drawReports(*this);
        break;
      case Panel::ManualEntry:
        drawManualEntry(*this);
        break;
      case Panel::SignIn:
        break;
    }
    ImGui::EndChild();
    ImGui::TextColored(statusIsError ? ui::palette().danger : ui::palette().mutedText, "%s",
                       status.c_str());
    drawDecisionDialog(*this);
  }
  ImGui::End();
}

bool ConsoleApp::expectationMet() const {
  if (!live) return false;
  const auto& s = live->snapshot();
  long v = -1;
  if (expectKey_ == "queue") v = static_cast<long>(s.queue.size());
  if (expectKey_ == "alerts") v = static_cast<long>(s.alerts.size());
  if (expectKey_ == "onsite") v = static_cast<long>(s.onSite.size());
  if (expectKey_ == "cues") v = cue.played();
  if (expectKey_ == "history") v = static_cast<long>(history.size());
  if (expectKey_ == "kiosks_online" || expectKey_ == "kiosks_offline") {
    v = 0;
    for (const auto& k : s.kiosks) v += k.online == (expectKey_ == "kiosks_online");
  }
  if (expectKey_ == "online") v = live->online() ? 1 : 0;
  return expectOp_ == ">=" ? v >= expectValue_ : v == expectValue_;
}

Status ConsoleApp::scriptCommand(const std::string& command, const std::string& argument) {
  if (command == "fill") {  // fill FIELD-ID TEXT
    const auto sp = argument.find(' ');
    field(argument.substr(0, sp)) = sp == std::string::npos ? "" : argument.substr(sp + 1);
    return Ok{};
  }
  if (command == "expect") {  // expect KEY OP N ; then "wait-screen expect-ok"
    std::istringstream in(argument);
    in >> expectKey_ >> expectOp_ >> expectValue_;
    expecting_ = true;
    return Ok{};
  }
  if (command == "key") {  // key A|D|K|F1..F6|Down|Up
    SDL_Scancode sc = SDL_GetScancodeFromName(argument.c_str());
    if (sc == SDL_SCANCODE_UNKNOWN) return makeError("script", "unknown key " + argument);
    injectedKey_ = sc;
    return Ok{};
  }
  return makeError("script", "unknown command " + command);
}

int ConsoleApp::run(ui::AppWindow& window) {
  std::unique_ptr<ui::ScriptPlayer> script;
  if (!options.scriptPath.empty()) {
    auto lines = ui::loadScript(options.scriptPath);
    if (!lines) {
      std::fprintf(stderr, "%s\n", lines.error().message.c_str());
      return 2;
    }
    script = std::make_unique<ui::ScriptPlayer>(
        std::move(lines).value(),
        ui::ScriptPlayer::Hooks{
            [this] {
              if (expecting_ && expectationMet()) {
                expecting_ = false;
                return std::string("expect-ok");
              }
              return std::string(panelName(panel));
            },
            [this](const ui::ScriptLine& l) { return scriptCommand(l.command, l.argument); }});
  }
  std::string pendingShot;
  int shots = 0;
  int lastCues = 0;
  while (window.pollEvents()) {
    if (live) {
      live->pump();
      if (live->escalationCues() > lastCues) {
        for (; lastCues < live->escalationCues(); ++lastCues) cue.play();
      }
    }
    window.beginFrame();
    if (script) script->beforeNewFrame();
    ImGui::NewFrame();
    drawFrame();
    std::string path;
    if (!pendingShot.empty()) {
      char name[32];
      std::snprintf(name, sizeof name, "%02d-", ++shots);
      path =
          (std::filesystem::path(options.screenshotDir) / (name + pendingShot + ".png")).string();
      pendingShot.clear();
    }
    if (auto s = window.endFrame(path); !s)
      std::fprintf(stderr, "screenshot: %s\n", s.error().message.c_str());
    if (!path.empty()) std::fprintf(stderr, "screenshot %s\n", path.c_str());
    if (script) {
      pendingShot = script->afterFrame();
      if (script->failed()) {
        std::fprintf(stderr, "%s\n", script->error().c_str());
        return 1;
      }
      if (script->finished() && pendingShot.empty()) return 0;
    }
  }
  return 0;
}

}  // namespace gatehouse::console::app
