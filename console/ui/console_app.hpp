// The console app's state shared by its panels; panels draw it and call its actions.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gatehouse/console/config.hpp"
#include "gatehouse/console/live.hpp"
#include "gatehouse/console/reports.hpp"
#include "gatehouse/ui/app_window.hpp"
#include "gatehouse/ui/translations.hpp"
#ifdef GATEHOUSE_CONSOLE_CAMERA
#include "camera_capture.hpp"
#endif
#include "photo_cache.hpp"
#include "sound.hpp"

namespace gatehouse::console::app {

enum class Panel { SignIn, Overview, OnSite, History, Watchlist, Reports, ManualEntry };
const char* panelName(Panel p);

struct AppOptions {
  ConsoleConfig config;
  std::string databaseUrl;
  std::string scriptPath;
  std::string screenshotDir = ".";
  std::string email, password;  // pre-filled sign-in (demo, tests)
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
  std::unique_ptr<LiveConsole> live;
  PhotoCache photos;
  ToneCue cue;
  std::string status;  // last action's result, shown in the footer
  bool statusIsError = false;
  std::map<std::string, std::string>
      fields;  // text inputs by id (the script fills them with "fill")
  int selectedVisit = 0;
  int selectedAlert = 0;
  // decision dialog
  std::optional<Uuid> decideVisit;
  bool decideApprove = true;
  // history / watchlist / reports
  std::vector<HistoryRow> history;
  std::optional<Report> report;
  std::vector<WatchlistEntry> watchlist;
  std::vector<UnitOption> units;
#ifdef GATEHOUSE_CONSOLE_CAMERA
  std::unique_ptr<ConsoleCamera> camera;  // null: no camera configured
#endif
  std::string cameraError;

  // Actions.
  void signIn();
  void signOut();
  void openDecision(const Uuid& visit, bool approve);
  void confirmDecision();
  void acknowledge(std::int64_t alertId);
  void printEvacuation();
  void runSearch();
  void loadReport(int days);
  void exportReport();
  void setStatus(const std::string& text, bool error = false);
  std::string& field(const std::string& id) { return fields[id]; }
  TimePoint now() const;

 private:
  void drawFrame();
  void drawHeader();
  void drawNav();
  void handleShortcuts();
  Status scriptCommand(const std::string& command, const std::string& argument);
  bool expectationMet() const;

  ui::Translations& tr_;
  std::string expectKey_, expectOp_;
  long expectValue_ = 0;
  bool expecting_ = false;
  int injectedKey_ = 0;
};

// One file per panel.
void drawSignIn(ConsoleApp& app);
void drawKioskWall(ConsoleApp& app);
void drawQueue(ConsoleApp& app);
void drawAlerts(ConsoleApp& app);
void drawDecisionDialog(ConsoleApp& app);
void drawOnSite(ConsoleApp& app);
void drawHistory(ConsoleApp& app);
void drawWatchlist(ConsoleApp& app);
void drawReports(ConsoleApp& app);
void drawManualEntry(ConsoleApp& app);

// Widgets shared by panels.
bool inputField(ConsoleApp& app, const std::string& id, const std::string& label, float width = 0,
                bool password = false);
bool button(const std::string& id, const std::string& label, bool primary = true,
            bool enabled = true, bool danger = false);

}  // namespace gatehouse::console::app
