// The console's database access, always as the signed-in guard (asPerson), so RLS and the audit log
// apply.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/console/model.hpp"

namespace gatehouse::console {

// Every call throws backend::Error; ConnectionLost means "show cached data and reconnect".
class ConsoleStore {
 public:
  ConsoleStore(backend::Connection connection, std::int64_t personId);

  std::int64_t personId() const { return personId_; }
  backend::Connection& connection() { return conn_; }
  void reconnect() { conn_.reconnect(); }

  Session session();
  std::vector<KioskTile> kiosks();
  std::vector<PendingVisit> queue();
  std::vector<AlertItem> openAlerts();
  std::vector<AlertItem> recentAcknowledged(int limit = 20);
  std::vector<OnSiteVisitor> onSite();
  std::vector<HistoryRow> search(const HistoryQuery& query);
  Photo visitPhoto(const Uuid& visit);
  Photo evidencePhoto(const Uuid& evidenceId);
  std::vector<UnitOption> units();

  // Approve or deny on the resident's behalf; `reason` is required (the database refuses none).
  std::string decide(const Uuid& visit, bool approve, const std::string& reason);
  void acknowledge(std::int64_t alertId);
  void cancel(const Uuid& visit);

  // Manual entry (returns expected exit) and exit for a visitor who cannot use a kiosk.
  TimePoint manualEntry(const Uuid& visit, std::int64_t unitId, const std::string& name,
                        const std::string& phone, const std::string& purpose,
                        const std::string& reason, const Photo& photo = {});
  void manualExit(const Uuid& visit, const std::string& reason);

  // Watchlist (admins).
  std::vector<WatchlistEntry> watchlist();
  std::int64_t watchlistAdd(const std::string& name, const std::string& reason);
  std::int64_t watchlistAddFromVisit(const Uuid& visit, const std::string& reason);
  void watchlistSetActive(std::int64_t id, bool active);
  std::vector<AlertItem> watchlistHits(std::int64_t watchlistId);

 private:
  template <typename Fn>
  void as(Fn&& fn) {
    conn_.asPerson(personId_, fn);
  }
  backend::Connection conn_;
  std::int64_t personId_;
};

}  // namespace gatehouse::console
