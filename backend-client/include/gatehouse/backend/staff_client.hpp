// StaffClient: what guards and admins read and do, always acting as the signed-in person.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/backend/privacy.hpp"
#include "gatehouse/core/uuid.hpp"

namespace gatehouse::backend {

using TimePoint = std::chrono::system_clock::time_point;

struct StaffSession {
  std::int64_t personId = 0;
  std::int64_t estateId = 0;
  std::string role;  // guard | admin
  std::string fullName;
  std::string estateName;
};

struct StoredPhoto {
  Bytes data;  // JPEG or PNG as the kiosk stored it; empty when there is none
  std::string contentType;
  bool empty() const { return data.empty(); }
};

struct KioskTile {
  std::int64_t id = 0;
  std::string name;
  std::string location;
  std::optional<TimePoint> lastHeartbeat;
  std::string screen;
  std::vector<std::string> faults;  // "printer: out_of_paper"; devices whose health is not ok
  int outboxDepth = 0;
  std::string version;
  std::optional<Uuid> latestVisit;
  std::string latestVisitor;
  std::optional<Uuid> latestPhotoId;  // evidence id
  std::string devicesJson;            // the heartbeat's device states as sent (a JSON object)
};

struct QueueCard {
  Uuid id;
  std::string visitorName;
  std::string visitorPhone;
  std::string unitLabel;
  std::vector<std::string> hostPhones;  // the host household's phones
  std::string purpose;
  std::string kioskName;
  TimePoint requestedAt{};
  bool held = false;
  bool escalated = false;
  std::optional<Uuid> photoId;  // latest entry photo (evidence id)
};

struct AlertRow {
  std::int64_t id = 0;
  std::string kind;
  std::optional<Uuid> visitId;
  std::optional<std::int64_t> kioskId;
  std::string kioskName;
  std::string visitorName;
  std::string unitLabel;
  std::string detailsJson;
  TimePoint createdAt{};
  std::optional<std::string> acknowledgedBy;
  std::optional<TimePoint> acknowledgedAt;
  bool hasPhoto = false;  // the kiosk attached a photo (face not found, guard called…)
};

struct OnSiteRow {
  Uuid visitId;
  std::string visitorName;
  std::string unitLabel;
  std::string phone;
  std::string kioskName;  // "manual" for a guard's manual entry
  TimePoint enteredAt{};
  std::optional<TimePoint> expectedExitAt;
  std::optional<Uuid> photoId;
};

struct HistoryFilter {
  std::string name;  // substring of the visitor's name, any case
  std::string unit;  // exact unit label
  std::optional<TimePoint> from, to;
  std::optional<std::int64_t> kioskId;
  std::string status;  // "" = any
  int limit = 100;
};

struct HistoryEntry {
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
  bool escalated = false;  // the approval timed out and went to the guards
};

struct WatchlistRow {
  std::int64_t id = 0;
  std::string fullName;
  std::string nameKey;
  bool hasDocument = false;
  std::string reason;
  std::string addedBy;
  bool active = true;
  TimePoint createdAt{};
  int hits = 0;
};

struct UnitChoice {
  std::int64_t id = 0;
  std::string label;
};

struct LegalHoldRow {
  Uuid visitId;
  std::string reason;
  std::string placedBy;  // "" when an operator placed it (gatehouse-admin)
  TimePoint placedAt{};
};

struct ManualEntryRequest {
  Uuid visitId;
  std::int64_t unitId = 0;
  std::string name, phone, purpose, reason;
  StoredPhoto photo;
};

// Borrows a connection; every call is one transaction as `personId` (RLS and audit apply).
// Throws backend::Error (NotFound, Forbidden, Conflict, InvalidInput, ConnectionLost...).
class StaffClient {
 public:
  StaffClient(Connection& connection, std::int64_t personId)
      : conn_(connection), personId_(personId) {}

  StaffSession session();
  std::vector<KioskTile> kiosks();
  std::vector<QueueCard> queue();  // escalated first, then held, then oldest first
  std::vector<AlertRow> openAlerts();
  std::vector<AlertRow> recentAcknowledged(int limit = 20);
  std::vector<OnSiteRow> onSite();
  std::vector<HistoryEntry> history(const HistoryFilter& filter);
  StoredPhoto visitPhoto(const Uuid& visit);
  StoredPhoto evidencePhoto(const Uuid& evidenceId);
  StoredPhoto alertPhoto(std::int64_t alertId);  // empty when none or another estate's
  std::vector<UnitChoice> units();

  std::string decide(const Uuid& visit, bool approve, const std::string& reason);  // new status
  void cancel(const Uuid& visit);
  TimePoint manualEntry(const ManualEntryRequest& request);  // expected exit
  void manualExit(const Uuid& visit, const std::string& reason);
  // Acknowledges each open alert of the list; ones already acknowledged are skipped. Returns
  // how many this call acknowledged.
  int acknowledge(const std::vector<std::int64_t>& alertIds);

  std::vector<WatchlistRow> watchlist();
  std::int64_t watchlistAdd(const std::string& name, const std::string& reason);
  std::int64_t watchlistAddFromVisit(const Uuid& visit, const std::string& reason);
  void watchlistSetActive(std::int64_t id, bool active);
  std::vector<AlertRow> watchlistHits(std::int64_t watchlistId);

  Uuid openGate(std::int64_t kioskId, const std::string& direction, const std::string& reason);

  // The signed-in admin's estate: retention settings (as gatehouse-admin retention) and holds.
  Retention retention();
  Retention setRetention(const RetentionChange& change);
  std::vector<LegalHoldRow> legalHolds();  // active ones, newest first

 private:
  template <typename Fn>
  void as(Fn&& fn) {
    conn_.asPerson(personId_, fn);
  }
  Connection& conn_;
  std::int64_t personId_;
};

// Device names whose state in a heartbeat's health JSON is not ok ("camera: stopped").
std::vector<std::string> faultsFromHealth(const std::string& healthJson);

}  // namespace gatehouse::backend
