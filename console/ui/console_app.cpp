// ConsoleApp: the frame loop, header and navigation, shortcuts, actions and the script hooks.
#include "console_app.hpp"

#include <SDL.h>
#include <imgui.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gatehouse/console/cache_key.hpp"

#ifdef GATEHOUSE_CONSOLE_DEVICES
#include "gatehouse/devices/printer.hpp"
#endif

#include "gatehouse/console/alert_groups.hpp"
#include "gatehouse/console/wire.hpp"
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
    case Panel::Retention:
      return "retention";
  }
  return "?";
}

ServerOptions serverOptions(const ConsoleConfig& c) {
  ServerOptions o;
  o.url = c.serverUrl;
  o.caFile = c.caFile;
  o.pinSha256 = c.pinSha256;
  o.connectTimeout = c.connectTimeout;
  o.requestTimeout = c.requestTimeout;
  return o;
}

ConsoleApp::ConsoleApp(AppOptions opts, ui::Translations& tr) : options(std::move(opts)), tr_(tr) {
  cue.setEnabled(options.config.sound);
  OfflineOptions oo;
  oo.cachePath = options.config.cachePath;
  offline = std::make_unique<OfflineAccess>(serverOptions(options.config), oo);
  field("signin.email") = options.email;
  field("signin.password") = options.password;
  field("signin.totp") = options.totp;
#ifdef GATEHOUSE_CONSOLE_CAMERA
  camera = ConsoleCamera::open(options.config, cameraError);
#else
  if (!options.config.cameraDriver.empty()) cameraError = "this build has no devices library";
#endif
}

ConsoleApp::~ConsoleApp() {
  // Nothing may keep the process waiting on the network: stop what is in flight, then join.
  live.reset();
  offline.reset();  // aborts its probe
  if (client) client->abort();
  if (pendingClient_) pendingClient_->abort();
  signInWorker_.reset();
  signInCache_.reset();  // waits for a derivation in flight (under a second)
  printWorker_.reset();
}

TimePoint ConsoleApp::now() const { return std::chrono::system_clock::now(); }

void ConsoleApp::setStatus(const std::string& text, bool error) {
  status = text;
  statusIsError = error;
}

std::string ConsoleApp::phrase(const std::string& prefix, const std::string& code) const {
  const std::string key = prefix + code;
  std::string text = tr(key);
  return text == key ? tr(prefix + "other") : text;
}

std::string ConsoleApp::faultPhrase(const std::string& fault) const {
  const auto sep = fault.find(": ");
  const std::string device = fault.substr(0, sep);
  const std::string state = sep == std::string::npos ? "fault" : fault.substr(sep + 2);
  return trf("wall.fault",
             {{"device", phrase("device.", device)}, {"state", phrase("device_state.", state)}});
}

std::string ConsoleApp::errorText(const BackendError& e) const {
  const std::string key = "error." + e.code();
  std::string text = tr(key);
  if (text == key) text = tr("error.generic");  // a code we have no phrase for
  if (e.kind() == BackendErrorKind::Throttled && !e.detail().empty())
    text += " " + trf("error.retry_after", {{"s", e.detail()}});
  return text;
}

void ConsoleApp::showError(const std::string& prefixKey, const BackendError& e) {
  setStatus(tr(prefixKey) + ": " + errorText(e), true);
}

void ConsoleApp::act(std::function<void(ConsoleBackend&)> action, std::set<Resource> touches,
                     std::function<void()> ok, const std::string& failKey) {
  if (!live) return;
  live->act(std::move(action), std::move(touches),
            [this, ok = std::move(ok), failKey](std::optional<BackendError> e) {
              if (e) {
                showError(failKey, *e);
              } else if (ok) {
                ok();
              }
            });
}

void ConsoleApp::signIn() {
  if (signingIn) return;
  auto opts = serverOptions(options.config);
  if (auto v = validate(opts); !v) {
    setStatus(v.error().message, true);
    return;
  }
  signingIn = true;
  setStatus(tr("signin.checking"));
  auto c = std::make_shared<ServerClient>(opts);
  pendingClient_ = c;
  const std::string email = field("signin.email"), totp = field("signin.totp");
  std::string password = field("signin.password");
  wipeSecret(field("signin.password"));
  field("signin.totp").clear();  // a code is good once: the next attempt needs a new one
  if (!signInWorker_) signInWorker_ = std::make_unique<NetworkWorker>();
  signInWorker_->post([this, c, email, password = std::move(password),
                       totp]() mutable -> NetworkWorker::Done {
    try {
      c->login(email, password, totp);
      Session s = c->session();
      NetworkWorker::Done done = [this, c, s, password]() mutable { finishSignIn(c, s, password); };
      wipeSecret(password);  // only the copy handed to finishSignIn is left
      return done;
    } catch (const BackendError& e) {
      wipeSecret(password);
      return [this, e] {
        signingIn = false;
        pendingClient_.reset();
        setStatus(errorText(e), true);
        const bool away =
            e.kind() == BackendErrorKind::Unreachable || e.kind() == BackendErrorKind::Server;
        if (away && offline) offline->serverUnreachable();  // offer the offline list at once
      };
    }
  });
}

void ConsoleApp::pollSignIn() {
  if (signInWorker_) {
    for (auto& done : signInWorker_->drain()) done();
  }
  if (!signInCache_) return;
  if (auto opened = signInCache_->take()) {
    if (*opened) {
      startLive(std::move(*opened).value());
    } else {
      startLive(nullptr);  // the live lists work; only the local copy is missing
      setStatus(opened->error().message, true);
    }
  }
}

// The server said yes: derive the cache key off the UI thread (Argon2id), then go live.
void ConsoleApp::finishSignIn(std::shared_ptr<ServerClient> c, Session s, std::string& password) {
  pendingClient_.reset();
  keyingClient_ = std::move(c);
  keyingSession_ = s;
  if (options.config.cachePath.empty()) {
    wipeSecret(password);
    startLive(nullptr);
    return;
  }
  if (!signInCache_) signInCache_ = std::make_unique<CacheOpener>();
  signInCache_->start(options.config.cachePath, password, CacheUnlock::Reset);
  wipeSecret(password);
}

void ConsoleApp::startLive(std::unique_ptr<LocalCache> cache) {
  signingIn = false;
  closeOffline();
  client = std::move(keyingClient_);
  session = std::move(keyingSession_);
  keyingSession_.reset();
  LiveOptions lo;
  lo.offlineAfter =
      std::chrono::duration_cast<std::chrono::milliseconds>(options.config.offlineAfter);
  live = std::make_unique<LiveConsole>(client, SystemClock::instance(), lo, std::move(cache));
  live->start();
  call<std::vector<UnitOption>>([](ConsoleBackend& b) { return b.units(); },
                                [this](std::vector<UnitOption> u) { units = std::move(u); });
  panel = Panel::Overview;
  setStatus(trf("signin.welcome", {{"name", session->fullName}}));
}

void ConsoleApp::openOffline() {
  if (!offline) return;
  std::string password = field("offline.password");
  wipeSecret(field("offline.password"));
  offline->unlock(std::move(password));
}

void ConsoleApp::closeOffline() {
  offlinePrompt = false;
  wipeSecret(field("offline.password"));
  if (offline && offline->list()) photos.clear();
  if (offline) offline->close();
}

void ConsoleApp::signOut() {
  live.reset();  // aborts its request in flight
  if (client) {
    auto c = client;
    c->resume();  // so the server can end the session
    if (!signInWorker_) signInWorker_ = std::make_unique<NetworkWorker>();
    signInWorker_->post([c]() -> NetworkWorker::Done {
      c->logout();
      return {};
    });
  }
  client.reset();
  session.reset();
  photos.clear();
  history.clear();
  watchlist.clear();
  report.reset();
  retention.reset();
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
  const Uuid visit = *decideVisit;
  const bool approve = decideApprove;
  act([visit, approve, reason](ConsoleBackend& b) { b.decide(visit, approve, reason); },
      {Resource::Queue, Resource::OnSite, Resource::Kiosks},
      [this, approve] { setStatus(tr(approve ? "decide.approved" : "decide.denied")); },
      "decide.failed");
  decideVisit.reset();
}

void ConsoleApp::acknowledge(const std::vector<std::int64_t>& alertIds) {
  if (alertIds.empty()) return;
  act([alertIds](ConsoleBackend& b) { b.acknowledge(alertIds); }, {Resource::Alerts},
      [this] { setStatus(tr("alerts.acknowledged")); }, "alerts.ack_failed");
}

void ConsoleApp::printEvacuation() {
  if (!live || !session) return;
  const auto& s = live->snapshot();
  printEvacuation(s.onSite, session->estateName, s.onSiteFromCache);
}

void ConsoleApp::printEvacuation(const std::vector<OnSiteVisitor>& list, const std::string& title,
                                 bool fromCache) {
  const std::string path =
      (std::filesystem::path(options.config.exportDir) / "evacuation-list.pdf").string();
  if (auto r = writeEvacuationPdf(list, title, now(), fromCache, path); !r) {
    setStatus(r.error().message, true);
    return;
  }
  if (options.config.evacuationPrinter.empty()) {
    setStatus(trf("onsite.printed", {{"path", path}}));
    return;
  }
#ifdef GATEHOUSE_CONSOLE_DEVICES
  // The devices library is built: print to the configured CUPS queue, off the UI thread (a
  // print is followed until the printer took it), from the cached list too.
  devices::PrinterConfig pc;
  pc.driver = "cups";
  pc.queue = options.config.evacuationPrinter;
  pc.server = options.config.cupsServer;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  devices::PrintRequest req;
  req.document.resize(static_cast<std::size_t>(std::max<std::streamoff>(0, in.tellg())));
  in.seekg(0);
  in.read(req.document.data(), static_cast<std::streamsize>(req.document.size()));
  req.badgeKey = "evacuation-" + std::to_string(wire::toMs(now()));
  req.title = "Evacuation list";
  setStatus(tr("onsite.printing"));
  if (!printWorker_) printWorker_ = std::make_unique<NetworkWorker>();
  printWorker_->post([this, pc, req]() -> NetworkWorker::Done {
    auto printer = devices::makePrinter(pc);
    if (!printer) {
      const std::string msg = printer.error().message;
      return [this, msg] { setStatus(tr("onsite.print_failed") + ": " + msg, true); };
    }
    (*printer)->setTimeout(std::chrono::seconds(20));
    const auto st = (*printer)->print(req);
    const bool ok = st.state == devices::PrintState::completed ||
                    st.state == devices::PrintState::queued ||
                    st.state == devices::PrintState::printing;
    const std::string code(devices::toString(st.state));
    return [this, ok, code] {
      if (ok) {
        setStatus(trf("onsite.sent_to_printer", {{"queue", options.config.evacuationPrinter}}));
      } else {
        setStatus(tr("onsite.print_failed") + ": " + tr("print." + code), true);
      }
    };
  });
#else
  setStatus(tr("onsite.print_failed") + ": " + tr("print.no_devices"), true);
#endif
}

namespace {

// Writes `bytes` to `path` whole or not at all (a full disk leaves no half bundle behind).
bool writeWhole(const std::filesystem::path& path, const Bytes& bytes) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  const auto part = std::filesystem::path(path.string() + ".part");
  {
    std::ofstream out(part, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) return std::filesystem::remove(part, ec), false;
  }
  std::filesystem::rename(part, path, ec);
  if (ec) std::filesystem::remove(part, ec);
  return !ec;
}

}  // namespace

void ConsoleApp::exportEvidence(const Uuid& visit) {
  const auto path = std::filesystem::absolute(options.config.exportDir) /
                    ("evidence-" + visit.toString() + ".tar");
  call<Bytes>([visit](ConsoleBackend& b) { return b.evidenceBundle(visit); },
              [this, path](Bytes bundle) {
                if (!writeWhole(path, bundle)) {
                  setStatus(tr("evidence.write_failed") + ": " + path.string(), true);
                } else {
                  ++evidenceSaved;
                  setStatus(trf("evidence.saved", {{"path", path.string()}}));
                }
              },
              {}, "evidence.failed");
}

void ConsoleApp::openGate(std::int64_t kioskId, const std::string& direction,
                          const std::string& reason) {
  GateCommand g{kioskId, direction, reason};
  act([g](ConsoleBackend& b) { b.openGate(g); }, {Resource::Kiosks},
      [this, direction] { setStatus(tr("gate.sent." + direction)); }, "gate.failed");
}

void ConsoleApp::runSearch() {
  if (!live) return;
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
  const auto t0 = std::chrono::steady_clock::now();
  call<std::vector<HistoryRow>>(
      [q](ConsoleBackend& b) { return b.search(q); },
      [this, t0](std::vector<HistoryRow> rows) {
        history = std::move(rows);
        const auto ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.0f", ms);
        setStatus(trf("history.found", {{"n", std::to_string(history.size())}, {"ms", buf}}));
      });
}

void ConsoleApp::loadReport(int days) {
  if (!live || !session || reportLoading) return;
  reportLoading = true;
  const auto to = now(), from = to - std::chrono::hours(24 * days);
  HistoryQuery q;
  q.from = from;
  q.to = to;
  q.limit = 1000;  // the server's cap for one history request
  call<std::vector<HistoryRow>>([q](ConsoleBackend& b) { return b.search(q); },
                                [this, from, to](std::vector<HistoryRow> rows) {
                                  reportLoading = false;
                                  report = buildReport(rows, from, to);
                                },
                                [this] { reportLoading = false; });
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
    if (!up) {
      ImGui::SameLine();
      ImGui::TextColored(p.danger, "%s", tr("status.offline_banner").c_str());
    }
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
                               {Panel::Reports, "nav.reports", "nav.reports", true},
                               {Panel::Retention, "nav.retention", "nav.retention", true}};
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
  if (!live || ImGui::GetIO().WantTextInput || decideVisit || gateKiosk) return;
  auto pressed = [&](int sc) { return injected == sc || ImGui::IsKeyPressed(sc, false); };
  const Panel order[] = {Panel::Overview,  Panel::OnSite,  Panel::ManualEntry, Panel::History,
                         Panel::Watchlist, Panel::Reports, Panel::Retention};
  const int count = session && session->isAdmin() ? 7 : 4;
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
  selectedAlert =
      std::clamp(selectedAlert, 0, std::max(0, static_cast<int>(groupAlerts(s.alerts).size()) - 1));
  if (!s.queue.empty()) {
    if (pressed(SDL_SCANCODE_A))
      openDecision(s.queue[static_cast<std::size_t>(selectedVisit)].id, true);
    if (pressed(SDL_SCANCODE_D))
      openDecision(s.queue[static_cast<std::size_t>(selectedVisit)].id, false);
  }
  if (!s.alerts.empty() && pressed(SDL_SCANCODE_K))
    acknowledge(groupAlerts(s.alerts)[static_cast<std::size_t>(selectedAlert)].ids);
}

void ConsoleApp::drawFrame() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->Pos);
  ImGui::SetNextWindowSize(vp->Size);
  ImGui::Begin("console", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings);
  if (!session && offline && offline->list()) {
    drawOffline(*this);
  } else if (!session) {
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
      case Panel::Retention:
        drawRetention(*this);
        break;
      case Panel::SignIn:
        break;
    }
    ImGui::EndChild();
    ImGui::TextColored(statusIsError ? ui::palette().danger : ui::palette().mutedText, "%s",
                       status.c_str());
    drawDecisionDialog(*this);
    drawEnlargedPhoto(*this);
    drawGateDialog(*this);
  }
  ImGui::End();
}

bool ConsoleApp::expectationMet() const {
  if (expectKey_ == "offline_list") {  // people in the opened offline list
    const long n =
        offline && offline->list() ? static_cast<long>(offline->list()->visitors.size()) : -1;
    return expectOp_ == ">=" ? n >= expectValue_ : n == expectValue_;
  }
  if (!live) return false;
  const auto& s = live->snapshot();
  long v = -1;
  if (expectKey_ == "queue") v = static_cast<long>(s.queue.size());
  if (expectKey_ == "alerts") v = static_cast<long>(s.alerts.size());
  if (expectKey_ == "onsite") v = static_cast<long>(s.onSite.size());
  if (expectKey_ == "cues") v = cue.played();
  if (expectKey_ == "history") v = static_cast<long>(history.size());
  if (expectKey_ == "watchlist") v = static_cast<long>(watchlist.size());
  if (expectKey_ == "report") v = report ? 1 : 0;
  if (expectKey_ == "evidence_saved") v = evidenceSaved;
  if (expectKey_ == "alert_groups") v = static_cast<long>(groupAlerts(s.alerts).size());
  if (expectKey_ == "alert_photos") {  // open alerts whose photo arrived
    v = 0;
    for (const auto& a : s.alerts) v += !a.photo.empty();
  }
  if (expectKey_ == "photo_open") v = enlargedPhoto ? 1 : 0;
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

// The script's name for what is on screen: the panel, or a state of the signed-out screen.
std::string ConsoleApp::screenName() const {
  if (session || !offline) return panelName(panel);
  if (offline->list())
    return offline->server() == ServerReach::Reachable ? "offline-list-server-back"
                                                       : "offline-list";
  if (offlinePrompt) {
    if (offline->checking()) return "offline-checking";
    return offline->error().empty() ? "offline-unlock" : "offline-refused";
  }
  return offline->offered() && !signingIn ? "signin-unreachable" : "signin";
}

namespace {
std::atomic<bool> gStop{false};
extern "C" void onStopSignal(int) { gStop = true; }

// Offscreen and on a display without vsync the loop would spin a core: ~60 frames a second is
// plenty for a desk console.
void paceFrame(std::chrono::steady_clock::time_point frameStart) {
  const auto spent = std::chrono::steady_clock::now() - frameStart;
  const auto budget = std::chrono::milliseconds(16);
  if (spent < budget)
    SDL_Delay(static_cast<Uint32>(
        std::chrono::duration_cast<std::chrono::milliseconds>(budget - spent).count()));
}
}  // namespace

void installStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = onStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool stopRequested() { return gStop.load(); }

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
              return screenName();
            },
            [this](const ui::ScriptLine& l) { return scriptCommand(l.command, l.argument); }});
  }
  std::string pendingShot;
  int shots = 0;
  int lastCues = 0;
  AlertCues alertCues;
  while (window.pollEvents() && !stopRequested()) {
    const auto frameStart = std::chrono::steady_clock::now();
    pollSignIn();
    if (!session && offline) offline->pump();
    if (live) {
      if (live->pump()) {
        for (int n = alertCues.update(live->snapshot().alerts); n > 0; --n) cue.play();
      }
      if (live->escalationCues() > lastCues) {
        for (; lastCues < live->escalationCues(); ++lastCues) cue.play();
      }
      if (live->signedOut()) {
        signOut();
        setStatus(tr("signin.expired"), true);
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
    paceFrame(frameStart);
  }
  return 0;
}

}  // namespace gatehouse::console::app
