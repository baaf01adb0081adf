// What the guard console shows: kiosks, pending visits, alerts, people on site, history rows.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gatehouse/core/uuid.hpp"

namespace gatehouse::console {

using TimePoint = std::chrono::system_clock::time_point;
using Bytes = std::vector<std::uint8_t>;

struct Photo {
  Bytes data;  // JPEG or PNG as the kiosk stored it
  std::string contentType;
  bool empty() const { return data.empty(); }
};

struct KioskTile {
  std::int64_t id = 0;
  std::string name;
  std::string location;
  std::optional<TimePoint> lastHeartbeat;
  std::string screen;
  std::vector<std::string>
      faults;  // device names whose health is not "ok", e.g. "printer: out_of_paper"
  int outboxDepth = 0;
  std::string version;
  std::optional<Uuid> latestVisit;
  std::string latestVisitor;
  std::optional<Uuid> latestPhotoId;  // evidence id; the bytes are fetched once and cached
  Photo latestPhoto;
  // The heartbeat's devices, e.g. {"usb_scanner_1", "plugged"} (issue 11); codes, translated by
  // the UI.
  std::vector<std::pair<std::string, std::string>> devices;
  // Derived from lastHeartbeat and the console's clock on every frame.
  bool online = false;
  double heartbeatAgeS = -1;
};

// Online means a heartbeat no older than `offlineAfter` by `now` (a kiosk that never beat is
// offline).
bool kioskOnline(const std::optional<TimePoint>& lastHeartbeat, TimePoint now,
                 std::chrono::milliseconds offlineAfter);

struct PendingVisit {
  Uuid id;
  std::string visitorName;
  std::string visitorPhone;
  std::string unitLabel;
  std::vector<std::string> hostPhones;  // the host household's phones, to call from the desk
  std::string purpose;
  std::string kioskName;
  TimePoint requestedAt{};
  bool hasPhoto = false;   // GET /api/staff/visits/{id}/photo
  Photo photo;             // fetched once per visit by the live console
  bool held = false;       // watchlist hit: only a guard may decide
  bool escalated = false;  // the resident did not answer in time
  double waitingS = 0;     // by the console's clock
};

// Escalated first, then held, then oldest first.
void sortQueue(std::vector<PendingVisit>& queue);

struct AlertItem {
  std::int64_t id = 0;
  std::string kind;  // watchlist_hit, approval_timeout, unknown_badge, badge_used, printer_fault,
                     // kiosk_offline, overstay, report...
  std::optional<Uuid> visitId;
  std::optional<std::int64_t> kioskId;
  std::string kioskName;
  std::string visitorName;
  std::string unitLabel;
  std::string detailsJson;
  std::string summary;  // one line for the list, from the details
  TimePoint createdAt{};
  std::optional<std::string> acknowledgedBy;
  std::optional<TimePoint> acknowledgedAt;
  bool hasPhoto = false;  // the kiosk attached a photo (face not found, guard called...)
  Photo photo;            // loaded with the list when hasPhoto
};

struct OnSiteVisitor {
  Uuid visitId;
  std::string visitorName;
  std::string unitLabel;
  std::string phone;
  std::string kioskName;  // "manual" for a guard's manual entry
  TimePoint enteredAt{};
  std::optional<TimePoint> expectedExitAt;
  Photo photo;
};

struct HistoryQuery {
  std::string name;  // substring of the visitor's name, any case
  std::string unit;  // exact unit label
  std::optional<TimePoint> from, to;
  std::optional<std::int64_t> kioskId;
  std::string status;  // "" = any
  int limit = 100;
};

struct HistoryRow {
  Uuid visitId;
  std::string visitorName;
  std::string unitLabel;
  std::string kioskName;
  std::string status;
  std::string purpose;
  TimePoint requestedAt{};
  std::optional<TimePoint> decidedAt, enteredAt, exitedAt;
  std::string decisionChannel;
  std::string decisionReason;
  bool held = false;
  bool escalated = false;  // the resident did not answer in time (reports' timeout rate)
};

struct WatchlistEntry {
  std::int64_t id = 0;
  std::string fullName;
  std::string nameKey;
  bool hasDocument = false;
  std::string reason;
  std::string addedBy;
  bool active = true;
  TimePoint createdAt{};
  int hits = 0;  // watchlist_hit alerts that name this entry
};

// The estate's retention (docs/PRIVACY.md), editable by admins, and its legal holds.
struct LegalHold {
  Uuid visitId;
  std::string reason;
  std::string placedBy;
  TimePoint placedAt{};
};
struct RetentionSettings {
  int photosDays = 30;
  int idDataDays = 30;
  int namesDays = 365;
  int notificationsDays = 90;
  std::vector<LegalHold> legalHolds;
};

struct UnitOption {
  std::int64_t id = 0;
  std::string label;
};

struct Session {
  std::int64_t personId = 0;
  std::int64_t estateId = 0;
  std::string role;  // guard | admin
  std::string fullName;
  std::string estateName;
  bool isAdmin() const { return role == "admin"; }
};

std::string formatTime(TimePoint t,
                       bool withDate = false);  // local time, "HH:MM" or "YYYY-MM-DD HH:MM"
std::string formatDuration(double seconds);     // "45 s", "3 min", "2 h 05 min"

}  // namespace gatehouse::console
