// The resident-side queries of the server, run as one resident (row-level security applies):
// notifications, visits, invitations and the resident's own settings. Typed results with one
// time type (StaffClient's TimePoint).
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/backend/staff_client.hpp"
#include "gatehouse/core/pass.hpp"
#include "gatehouse/core/uuid.hpp"

namespace gatehouse::backend {

struct ResidentNotification {
  std::int64_t id = 0;
  std::string kind;
  std::string payloadJson;  // the notification's JSON payload, as stored
  TimePoint createdAt;
  bool read = false;
};

struct VisitPhotoRef {
  Uuid id;
  std::string kind;  // entry_photo | exit_photo
};

// A visit of the resident's unit as the resident page shows it.
struct ResidentVisit {
  Uuid id;
  std::string status;
  bool held = false;
  bool escalated = false;
  std::string purpose;
  std::string visitor;
  std::string unitLabel;
  std::optional<std::string> kiosk, decidedBy, decidedByRole, channel, reason, invitation;
  TimePoint requestedAt{};
  std::optional<TimePoint> decidedAt, enteredAt, exitedAt;
  TimePoint readAt{};  // the database's clock when the row was read (for "waiting for")
  std::vector<VisitPhotoRef> photos;  // oldest first
};

// Dates are the estate's local days, "YYYY-MM-DD"; empty means the default (last 30 days).
struct VisitLogRange {
  std::string from, to;
};

struct ResidentInvitation {
  Uuid id;
  std::string kind;  // single | recurring | event
  std::optional<std::string> eventName;
  std::string guestName;
  std::optional<std::string> guestPhone;
  TimePoint validFrom{}, validUntil{};
  std::string dateFrom, dateUntil;  // local days, inclusive
  int weekdays = 127, dayStartMin = 0, dayEndMin = 1440, maxUses = 1, uses = 0;
  std::optional<TimePoint> revokedAt;
  TimePoint createdAt{};
  std::string state;  // active | revoked | expired | used_up
  std::string timezone;
};

// A validated new invitation (the server checks the fields; the database the dates and key).
struct NewInvitation {
  std::string kind, eventName, guestName, guestPhone, dateFrom, dateUntil;
  int weekdays = 127, dayStartMin = 0, dayEndMin = 1440, maxUses = 1;
};

enum class RevokeResult { Revoked, AlreadyRevoked, NotFound };

struct ResidentProfile {
  std::optional<std::string> unitLabel, building;
  std::string estate, timezone, email, webhookUrl;
  bool notifyEmail = true;
};

// What a decision left: the visit as it is now, unless a used link refused it.
struct Decision {
  bool linkUsed = false;
  std::optional<ResidentVisit> visit;  // nullopt when the unit may not see it
};

class ResidentClient {
 public:
  // `c` must already act as the resident (Connection::asPerson).
  explicit ResidentClient(Connection& c) : c_(c) {}

  std::vector<ResidentNotification> notifications(int limit = 50);
  std::int64_t unreadCount();
  // Marks all unread (all = true) or those of `ids` as read.
  void markRead(bool all, const std::vector<std::int64_t>& ids);

  std::optional<ResidentVisit> visit(const Uuid& id);
  std::vector<ResidentVisit> pendingVisits();                       // oldest first
  std::vector<ResidentVisit> visitLog(const VisitLogRange& range);  // newest first, ≤ 1000
  std::vector<ResidentVisit> visitsOfInvitation(const Uuid& invitation);
  // Decides as the acting person over `channel`; a non-empty `nonce` (a link's) is used up by
  // the first decision. Marks the person's own "visit decided" notification read. Throws
  // Error(Conflict) when the visit was already decided.
  Decision decide(const Uuid& id, bool approve, const std::string& channel,
                  const std::string& nonce = {});
  void report(const Uuid& visit, const std::string& reason);
  // An entry or exit photo of the unit's visits (only of `onlyVisit` when given).
  // nullopt when there is no such photo the unit may see.
  std::optional<StoredPhoto> photo(const Uuid& evidenceId, const std::optional<Uuid>& onlyVisit);

  std::vector<ResidentInvitation> invitations();  // newest first, ≤ 500
  std::optional<ResidentInvitation> invitation(const Uuid& id);
  // Throws Error(InvalidInput, detail "dates_or_key") when the dates are past or too far out
  // or the estate has no active signing key.
  Uuid createInvitation(const NewInvitation& n);
  RevokeResult revokeInvitation(const Uuid& id);
  // The pass fields of one of the unit's invitations (unsigned; the server signs it).
  std::optional<InvitationPass> passFields(const Uuid& id);

  std::optional<ResidentProfile> profile();
  void setChannels(bool notifyEmail, const std::string& webhookUrl);

 private:
  std::vector<ResidentVisit> visits(const std::string& name, const std::string& where,
                                    const Params& params);
  Connection& c_;
};

// The used-up state of magic links (role gatehouse_server, no acting person needed).
bool magicLinkUsed(Connection& c, const std::string& nonce);

}  // namespace gatehouse::backend
