// The staff API's JSON (docs/staff-api, /work/briefs/staff-api.md) read into the console's model,
// in one place: every reply body is parsed here and nowhere else.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gatehouse/console/model.hpp"

namespace gatehouse::console::wire {

// Each throws BackendError(Server, "bad_reply", what was wrong) on a body that does not match.
Session parseSession(const std::string& body);
Session parseLogin(const std::string& body, std::string& csrf);
std::vector<KioskTile> parseKiosks(const std::string& body);
std::vector<PendingVisit> parseQueue(const std::string& body);
std::vector<AlertItem> parseAlerts(const std::string& body);
std::vector<OnSiteVisitor> parseOnSite(const std::string& body);
std::vector<HistoryRow> parseHistory(const std::string& body);
std::vector<UnitOption> parseUnits(const std::string& body);
std::vector<WatchlistEntry> parseWatchlist(const std::string& body);
RetentionSettings parseRetention(const std::string& body);
// The body of POST /api/staff/retention: the four day counts.
std::string retentionChange(const RetentionSettings& settings);

// The query string of GET /api/staff/history (URL-encoded).
std::string historyQuery(const HistoryQuery& q);

// One line for the alert list, from the alert's kind and details.
std::string alertSummary(const std::string& kind, const std::string& detailsJson,
                         const std::string& visitor, const std::string& kiosk);

std::int64_t toMs(TimePoint t);
TimePoint fromMs(std::int64_t ms);

}  // namespace gatehouse::console::wire
