// ConsoleBackend: what the console asks of the server (the staff API), one call per route.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "gatehouse/console/model.hpp"

namespace gatehouse::console {

// What a caller can act on: Unreachable means "show cached data and reconnect"; SignedOut means
// "ask for the password and code again"; the others are shown as a translated phrase.
enum class BackendErrorKind {
  Unreachable,  // no answer: connection refused, timeout, TLS or pin failure
  SignedOut,    // 401
  Forbidden,    // 403
  NotFound,     // 404
  Conflict,     // 409
  Invalid,      // 400 / 422: the input was refused
  Locked,       // 423
  Throttled,    // 429
  Server,       // 5xx or an answer that is not what the contract says
};

class BackendError : public std::runtime_error {
 public:
  BackendError(BackendErrorKind kind, std::string code, std::string detail = {}, int status = 0)
      : std::runtime_error(code + (detail.empty() ? "" : ": " + detail)),
        kind_(kind),
        code_(std::move(code)),
        detail_(std::move(detail)),
        status_(status) {}
  BackendErrorKind kind() const { return kind_; }
  // The server's error code ("invalid_credentials", "conflict", ...) or ours ("unreachable",
  // "bad_reply"); the console shows tr("error." + code), never the code itself.
  const std::string& code() const { return code_; }
  const std::string& detail() const { return detail_; }
  int status() const { return status_; }

 private:
  BackendErrorKind kind_;
  std::string code_;
  std::string detail_;
  int status_;
};

struct GateCommand {
  std::int64_t kioskId = 0;
  std::string direction;  // entry | exit
  std::string reason;
};

// Every call may throw BackendError. Calls are made from the console's network thread only.
class ConsoleBackend {
 public:
  virtual ~ConsoleBackend() = default;

  virtual Session session() = 0;
  virtual std::vector<KioskTile> kiosks() = 0;
  virtual std::vector<PendingVisit> queue() = 0;
  virtual std::vector<AlertItem> openAlerts() = 0;
  virtual std::vector<AlertItem> recentAcknowledged(int limit = 20) = 0;
  virtual std::vector<OnSiteVisitor> onSite() = 0;
  virtual std::vector<HistoryRow> search(const HistoryQuery& query) = 0;
  virtual Photo visitPhoto(const Uuid& visit) = 0;          // empty when there is none
  virtual Photo evidencePhoto(const Uuid& evidenceId) = 0;  // empty when there is none
  virtual Photo alertPhoto(std::int64_t alertId) = 0;       // empty when there is none
  virtual std::vector<UnitOption> units() = 0;

  virtual std::string decide(const Uuid& visit, bool approve, const std::string& reason) = 0;
  // Grouped alerts are acknowledged together; returns how many were acknowledged.
  virtual int acknowledge(const std::vector<std::int64_t>& alertIds) = 0;
  virtual void cancel(const Uuid& visit) = 0;
  virtual TimePoint manualEntry(const Uuid& visit, std::int64_t unitId, const std::string& name,
                                const std::string& phone, const std::string& purpose,
                                const std::string& reason, const Photo& photo = {}) = 0;
  virtual void manualExit(const Uuid& visit, const std::string& reason) = 0;

  virtual std::vector<WatchlistEntry> watchlist() = 0;
  virtual std::int64_t watchlistAdd(const std::string& name, const std::string& reason) = 0;
  virtual std::int64_t watchlistAddFromVisit(const Uuid& visit, const std::string& reason) = 0;
  virtual void watchlistSetActive(std::int64_t id, bool active) = 0;
  virtual std::vector<AlertItem> watchlistHits(std::int64_t watchlistId) = 0;

  // Kiosk wall: a remote gate opening (returns the command id).
  virtual std::int64_t openGate(const GateCommand& command) = 0;
  // Admin: retention settings and legal holds, and the signed evidence bundle of a visit (tar
  // bytes, as gatehouse-admin evidence-export writes it).
  virtual RetentionSettings retention() = 0;
  virtual RetentionSettings setRetention(const RetentionSettings& settings) = 0;
  virtual Bytes evidenceBundle(const Uuid& visit) = 0;
};

}  // namespace gatehouse::console
