// The console app's state shared by its panels; panels draw it and call its actions.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gatehouse/console/cache_opener.hpp"
#include "gatehouse/console/config.hpp"
#include "gatehouse/console/live.hpp"
#include "gatehouse/console/offline_access.hpp"
#include "gatehouse/console/reports.hpp"
#include "gatehouse/console/server_client.hpp"
#include "gatehouse/ui/app_window.hpp"
#include "gatehouse/ui/translations.hpp"
#ifdef GATEHOUSE_CONSOLE_CAMERA
#include "camera_capture.hpp"
#endif
#include "photo_cache.hpp"
#include "sound.hpp"

namespace gatehouse::console::app {

enum class Panel { SignIn, Overview, OnSite, History, Watchlist, Reports, ManualEntry, Retention };
const char* panelName(Panel p);

struct AppOptions {
  ConsoleConfig config;
  std::string scriptPath;
  std::string screenshotDir = ".";
  std::string email, password, totp;  // pre-filled sign-in (demo, tests)
};

class ConsoleApp {
 public:
  ConsoleApp(AppOptions options, ui::Translations& tr);
  ~ConsoleApp();
  int run(ui::AppWindow& window);

  std::string tr(const std::string& key) const { return tr_.tr(key); }
  std::string trf(const std::string& key,
                  const std::vector<std::pair<std::string, std::string>>& args) const {
    return tr_.format(key, args);
  }

  // Shared state for panels.
  AppOptions options;
  Panel panel = Panel::SignIn;
  std::optional<Session> session;
  std::shared_ptr<ServerClient> client;  // signed in: cookie and CSRF token in memory only
  std::unique_ptr<LiveConsole> live;
  bool signingIn = false;  // from "Sign in" until the live console exists (cache key included)
  // While signed out: the server probe and the offline on-site list (null: no server URL).
  std::unique_ptr<OfflineAccess> offline;
  bool offlinePrompt = false;  // the sign-in box asks for the last guard's password
  PhotoCache photos;
  ToneCue cue;
  std::string status;  // last action's result, shown in the footer
  bool statusIsError = false;
  int evidenceSaved = 0;  // evidence bundles written this run (a script waits on it)
  std::map<std::string, std::string>
      fields;  // text inputs by id (the script fills them with "fill")
  int selectedVisit = 0;
  int selectedAlert = 0;
  // decision dialog
  std::optional<Uuid> decideVisit;
  struct EnlargedPhoto {  // one of a queue card or an alert card
    std::optional<Uuid> visit;
    std::optional<std::int64_t> alert;
  };
  std::optional<EnlargedPhoto> enlargedPhoto;  // a card's photo shown large
  // open-gate dialog (kiosk wall)
  std::optional<std::int64_t> gateKiosk;
  std::string gateDirection = "entry";
  bool decideApprove = true;
  // history / watchlist / reports
  std::vector<HistoryRow> history;
  std::optional<Report> report;
  bool reportLoading = false;  // one report request in flight at most
  std::optional<RetentionSettings> retention;
  bool retentionLoading = false;
  std::vector<WatchlistEntry> watchlist;
  std::vector<UnitOption> units;
#ifdef GATEHOUSE_CONSOLE_CAMERA
  std::unique_ptr<ConsoleCamera> camera;  // null: no camera configured
#endif
  std::string cameraError;

  // Actions.
  void signIn();
  void signOut();
  void openOffline();   // checks field "offline.password" (wiped) off the UI thread
  void closeOffline();  // forgets the offline list: back to the sign-in form
  void openDecision(const Uuid& visit, bool approve);
  void confirmDecision();
  void acknowledge(const std::vector<std::int64_t>& alertIds);  // a group together
  void printEvacuation();
  void printEvacuation(const std::vector<OnSiteVisitor>& list, const std::string& title,
                       bool fromCache);
  void exportEvidence(const Uuid& visit);
  void openGate(std::int64_t kioskId, const std::string& direction, const std::string& reason);
  void runSearch();
  void loadReport(int days);
  void exportReport();
  void setStatus(const std::string& text, bool error = false);
  // tr(prefix + code), or a generic phrase for a code we have no translation of: never the code.
  std::string phrase(const std::string& prefix, const std::string& code) const;
  // "camera: stopped" from the heartbeat as "Camera: stopped" in the guard's language.
  std::string faultPhrase(const std::string& fault) const;
  // A server error as a translated phrase (never the raw code).
  std::string errorText(const BackendError& e) const;
  void showError(const std::string& prefixKey, const BackendError& e);
  // A backend call off the UI thread; `ok` runs on the UI thread, errors go to the footer.
  template <typename T>
  void call(std::function<T(ConsoleBackend&)> job, std::function<void(T)> ok,
            std::function<void()> onFail = {}, const std::string& failKey = "status.failed") {
    if (!live) return;
    live->run<T>(std::move(job), std::move(ok), [this, failKey, onFail](const BackendError& e) {
      showError(failKey, e);
      if (onFail) onFail();
    });
  }
  void act(std::function<void(ConsoleBackend&)> action, std::set<Resource> touches,
           std::function<void()> ok, const std::string& failKey = "status.failed");
  std::string& field(const std::string& id) { return fields[id]; }
  TimePoint now() const;

 private:
  void drawFrame();
  void drawHeader();
  void drawNav();
  void handleShortcuts();
  Status scriptCommand(const std::string& command, const std::string& argument);
  bool expectationMet() const;

  void finishSignIn(std::shared_ptr<ServerClient> client, Session s, std::string& password);
  void startLive(std::unique_ptr<LocalCache> cache);
  void pollSignIn();
  std::string screenName() const;

  ui::Translations& tr_;
  std::shared_ptr<ServerClient> pendingClient_;  // a sign-in in flight
  std::unique_ptr<NetworkWorker> signInWorker_;  // the sign-in runs off the UI thread too
  // The signed-in server client and session while the cache key is derived (CacheOpener).
  std::shared_ptr<ServerClient> keyingClient_;
  std::optional<Session> keyingSession_;
  std::unique_ptr<CacheOpener> signInCache_;
  std::unique_ptr<NetworkWorker> printWorker_;  // CUPS jobs are followed off the UI thread
  std::string expectKey_, expectOp_;
  long expectValue_ = 0;
  bool expecting_ = false;
  int injectedKey_ = 0;
};

// SIGINT/SIGTERM set a flag the frame loop checks; the console then ends within a frame plus the
// abort of the request in flight.
void installStopHandlers();
bool stopRequested();

// One file per panel.
void drawSignIn(ConsoleApp& app);
void drawOffline(ConsoleApp& app);
void drawKioskWall(ConsoleApp& app);
void drawQueue(ConsoleApp& app);
void drawAlerts(ConsoleApp& app);
void drawDecisionDialog(ConsoleApp& app);
void drawEnlargedPhoto(ConsoleApp& app);
void drawGateDialog(ConsoleApp& app);
void drawOnSite(ConsoleApp& app);
void drawOnSiteTable(ConsoleApp& app, const std::vector<OnSiteVisitor>& list, bool withExit);
void drawHistory(ConsoleApp& app);
void drawWatchlist(ConsoleApp& app);
void drawReports(ConsoleApp& app);
void drawManualEntry(ConsoleApp& app);
void drawRetention(ConsoleApp& app);

// Widgets shared by panels.
bool inputField(ConsoleApp& app, const std::string& id, const std::string& label, float width = 0,
                bool password = false);
bool button(const std::string& id, const std::string& label, bool primary = true,
            bool enabled = true, bool danger = false);

}  // namespace gatehouse::console::app
