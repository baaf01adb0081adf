// KioskClient: each call is one prepared SELECT of a gh.kiosk_* function.
#include "gatehouse/backend/kiosk_client.hpp"

#include <algorithm>

#include "time_text.hpp"

namespace gatehouse::backend {

using detail::toSqlTimestamp;

const char* toString(VisitStatus s) {
  switch (s) {
    case VisitStatus::Pending:
      return "pending";
    case VisitStatus::Approved:
      return "approved";
    case VisitStatus::Denied:
      return "denied";
    case VisitStatus::Expired:
      return "expired";
    case VisitStatus::Cancelled:
      return "cancelled";
    case VisitStatus::CheckedIn:
      return "checked_in";
    case VisitStatus::CheckedOut:
      return "checked_out";
  }
  return "pending";
}

VisitStatus visitStatusFromString(std::string_view s) {
  for (auto v :
       {VisitStatus::Pending, VisitStatus::Approved, VisitStatus::Denied, VisitStatus::Expired,
        VisitStatus::Cancelled, VisitStatus::CheckedIn, VisitStatus::CheckedOut})
    if (s == toString(v)) return v;
  throw Error(ErrorKind::Internal, "unknown visit status " + std::string(s));
}

const char* toString(ExitOutcome o) {
  switch (o) {
    case ExitOutcome::Recorded:
      return "recorded";
    case ExitOutcome::AlreadyRecorded:
      return "already_recorded";
    case ExitOutcome::UnknownBadge:
      return "unknown_badge";
    case ExitOutcome::BadgeUsed:
      return "badge_used";
    case ExitOutcome::NotCheckedIn:
      return "not_checked_in";
    case ExitOutcome::NotYetKnown:
      return "not_yet_known";
  }
  return "unknown_badge";
}

const char* toString(EvidenceKind k) {
  switch (k) {
    case EvidenceKind::EntryPhoto:
      return "entry_photo";
    case EvidenceKind::ExitPhoto:
      return "exit_photo";
    case EvidenceKind::IdScan:
      return "id_scan";
    case EvidenceKind::Badge:
      return "badge";
  }
  return "entry_photo";
}

KioskClient::KioskClient(std::string databaseUrl, KioskCredentials credentials)
    : conn_(databaseUrl), creds_(std::move(credentials)) {}
KioskClient::KioskClient(Connection connection, KioskCredentials credentials)
    : conn_(std::move(connection)), creds_(std::move(credentials)) {}

std::vector<DirectoryEntry> KioskClient::directory(const std::string& query, int limit) {
  auto rows = conn_.execPrepared("k_directory", "SELECT * FROM gh.kiosk_directory($1, $2, $3, $4)",
                                 {creds_.kioskId, creds_.token, query, limit});
  std::vector<DirectoryEntry> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back({rows[i].int64("unit_id"), rows[i].text("unit_label"), rows[i].text("building"),
                   rows[i].text("host_hint")});
  return out;
}

VisitState KioskClient::requestVisit(const VisitRequest& r) {
  auto rows = conn_.execPrepared(
      "k_request",
      "SELECT * FROM gh.kiosk_request_visit($1, $2, $3, $4, $5, $6, $7, $8, $9, "
      "gh.kiosk_server_time($1, $2, $10))",
      {creds_.kioskId, creds_.token, r.visitId, r.unitId, r.visitorName, r.visitorPhone, r.purpose,
       r.documentType, r.documentHash, toSqlTimestamp(r.requestedAt)});
  return {visitStatusFromString(rows[0].text("status")), rows[0].boolean("held"), false,
          std::nullopt};
}

VisitState KioskClient::visitStatus(const Uuid& visitId) {
  auto rows = conn_.execPrepared("k_status", "SELECT * FROM gh.kiosk_visit_status($1, $2, $3)",
                                 {creds_.kioskId, creds_.token, visitId});
  return {visitStatusFromString(rows[0].text("status")), rows[0].boolean("held"),
          rows[0].boolean("escalated"), rows[0].optText("decision_channel")};
}

InvitationVisit KioskClient::useInvitation(const InvitationUse& u) {
  auto rows = conn_.execPrepared("k_invitation",
                                 "SELECT * FROM gh.kiosk_use_invitation($1, $2, $3, $4, $5, "
                                 "gh.kiosk_server_time($1, $2, $6))",
                                 {creds_.kioskId, creds_.token, u.visitId, u.invitationId,
                                  u.visitorName, toSqlTimestamp(u.at)});
  const auto status = visitStatusFromString(rows[0].text("status"));
  // Claimed before a revocation but received after it while the kiosk was in contact: the
  // database records the refused use (with a review alert) and answers denied.
  if (status == VisitStatus::Denied)
    throw Error(ErrorKind::Conflict, "invitation was revoked", "GH409", "revoked");
  return {status, rows[0].int64("unit_id"), rows[0].text("unit_label"), rows[0].text("guest_name")};
}

TimePoint KioskClient::checkIn(const Uuid& visitId, const std::string& exitTokenHash,
                               TimePoint at) {
  auto rows = conn_.execPrepared(
      "k_checkin",
      "SELECT extract(epoch FROM gh.kiosk_check_in($1, $2, $3, $4, gh.kiosk_server_time($1, $2, "
      "$5)))::float8 AS expected",
      {creds_.kioskId, creds_.token, visitId, exitTokenHash, toSqlTimestamp(at)});
  return detail::fromEpoch(rows[0].float64("expected"));
}

namespace {
ExitOutcome exitOutcomeFromString(const std::string& o) {
  for (auto v : {ExitOutcome::Recorded, ExitOutcome::AlreadyRecorded, ExitOutcome::UnknownBadge,
                 ExitOutcome::BadgeUsed, ExitOutcome::NotCheckedIn, ExitOutcome::NotYetKnown})
    if (o == toString(v)) return v;
  throw Error(ErrorKind::Internal, "unknown exit outcome " + o);
}
}  // namespace

ExitOutcome KioskClient::checkOut(const Uuid& exitEventId, const ExitToken& badge, TimePoint at) {
  auto rows = conn_.execPrepared("k_checkout",
                                 "SELECT gh.kiosk_check_out($1, $2, $3, $4, $5, $6) AS outcome",
                                 {creds_.kioskId, creds_.token, exitEventId, badge.visitId,
                                  badge.secretHashHex(), toSqlTimestamp(at)});
  return exitOutcomeFromString(rows[0].text("outcome"));
}

ExitOutcome KioskClient::recordExit(const Uuid& exitEventId, const ExitToken& badge, TimePoint at) {
  auto rows = conn_.execPrepared("k_record_exit",
                                 "SELECT gh.kiosk_record_exit($1, $2, $3, $4, $5, $6) AS outcome",
                                 {creds_.kioskId, creds_.token, exitEventId, badge.visitId,
                                  badge.secretHashHex(), toSqlTimestamp(at)});
  return exitOutcomeFromString(rows[0].text("outcome"));
}

VisitStatus KioskClient::cancel(const Uuid& visitId) {
  auto rows = conn_.execPrepared("k_cancel", "SELECT gh.kiosk_cancel($1, $2, $3) AS status",
                                 {creds_.kioskId, creds_.token, visitId});
  return visitStatusFromString(rows[0].text("status"));
}

std::string KioskClient::addEvidence(const Evidence& e) {
  auto rows = conn_.execPrepared(
      "k_evidence",
      "SELECT gh.kiosk_add_evidence($1, $2, $3, $4, $5::gh.evidence_kind, $6, $7, "
      "gh.kiosk_server_time($1, $2, $8)) AS chain",
      {creds_.kioskId, creds_.token, e.evidenceId, e.visitId, toString(e.kind), e.contentType,
       e.data, toSqlTimestamp(e.capturedAt)});
  return rows[0].text("chain");
}

std::chrono::seconds KioskClient::heartbeat(const Heartbeat& b, TimePoint kioskTime) {
  auto rows = conn_.execPrepared(
      "k_heartbeat_clock",
      "SELECT extract(epoch FROM gh.kiosk_heartbeat_clock($1, $2, $3, $4::jsonb, $5, $6, "
      "$7))::bigint AS offset_s",
      {creds_.kioskId, creds_.token, b.screen, b.deviceHealthJson, b.outboxDepth, b.version,
       toSqlTimestamp(kioskTime)});
  return std::chrono::seconds(rows[0].int64("offset_s"));
}

void KioskClient::heartbeat(const Heartbeat& b) {
  conn_.execPrepared(
      "k_heartbeat", "SELECT gh.kiosk_heartbeat($1, $2, $3, $4::jsonb, $5, $6)",
      {creds_.kioskId, creds_.token, b.screen, b.deviceHealthJson, b.outboxDepth, b.version});
}

std::int64_t KioskClient::raiseAlert(const Uuid& eventId, const std::string& kind,
                                     const std::optional<Uuid>& visitId,
                                     const std::string& detailsJson) {
  auto rows = conn_.execPrepared(
      "k_alert_event", "SELECT gh.kiosk_raise_alert($1, $2, $3, $4, $5, $6::jsonb) AS id",
      {creds_.kioskId, creds_.token, eventId, kind, visitId, detailsJson});
  return rows[0].optInt64("id").value_or(0);
}

std::int64_t KioskClient::raiseAlert(const Uuid& eventId, const std::string& kind,
                                     const std::optional<Uuid>& visitId,
                                     const std::string& detailsJson,
                                     const std::vector<std::uint8_t>& photoJpeg) {
  auto rows = conn_.execPrepared(
      "k_alert_photo", "SELECT gh.kiosk_raise_alert($1, $2, $3, $4, $5, $6::jsonb, $7) AS id",
      {creds_.kioskId, creds_.token, eventId, kind, visitId, detailsJson,
       photoJpeg.empty() ? Param() : Param(photoJpeg)});
  return rows[0].optInt64("id").value_or(0);
}

std::int64_t KioskClient::raiseAlert(const std::string& kind, const std::optional<Uuid>& visitId,
                                     const std::string& detailsJson) {
  auto rows =
      conn_.execPrepared("k_alert", "SELECT gh.kiosk_raise_alert($1, $2, $3, $4, $5::jsonb) AS id",
                         {creds_.kioskId, creds_.token, kind, visitId, detailsJson});
  return rows[0].optInt64("id").value_or(0);
}

std::vector<EstateKey> KioskClient::estateKeys() {
  auto rows = conn_.execPrepared("k_keys", "SELECT * FROM gh.kiosk_estate_keys($1, $2)",
                                 {creds_.kioskId, creds_.token});
  std::vector<EstateKey> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EstateKey k;
    k.estateId = rows[i].int64("estate_id");
    k.keyId = static_cast<std::uint8_t>(rows[i].int64("key_id"));
    const auto pk = rows[i].bytes("public_key");
    if (pk.size() != k.publicKey.size())
      throw Error(ErrorKind::Internal, "estate key has the wrong size");
    std::copy(pk.begin(), pk.end(), k.publicKey.begin());
    k.timezone = rows[i].text("timezone");
    out.push_back(k);
  }
  return out;
}

std::vector<Uuid> KioskClient::revokedInvitations() {
  auto rows =
      conn_.execPrepared("k_revoked", "SELECT invitation_id FROM gh.kiosk_revocations($1, $2)",
                         {creds_.kioskId, creds_.token});
  std::vector<Uuid> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(rows[i].uuid("invitation_id"));
  return out;
}

std::vector<GuardPin> KioskClient::guardPins() {
  auto rows = conn_.execPrepared("k_pins", "SELECT * FROM gh.kiosk_guard_pins($1, $2)",
                                 {creds_.kioskId, creds_.token});
  std::vector<GuardPin> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(
        {rows[i].int64("person_id"), rows[i].text("full_name"), rows[i].text("pin_hash")});
  return out;
}

VisitStatus KioskClient::guardApprove(const Uuid& visitId, std::int64_t guardId,
                                      const std::string& reason, TimePoint at) {
  auto rows = conn_.execPrepared(
      "k_guard_approve",
      "SELECT gh.kiosk_guard_approve($1, $2, $3, $4, $5, "
      "gh.kiosk_server_time($1, $2, $6)) AS status",
      {creds_.kioskId, creds_.token, visitId, guardId, reason, toSqlTimestamp(at)});
  return visitStatusFromString(rows[0].text("status"));
}

VisitStatus KioskClient::guardApprove(const Uuid& visitId, std::int64_t guardId,
                                      const std::string& reason, TimePoint at,
                                      const std::optional<Uuid>& pinCheck) {
  auto rows = conn_.execPrepared(
      "k_guard_approve_checked",
      "SELECT gh.kiosk_guard_approve($1, $2, $3, $4, $5, "
      "gh.kiosk_server_time($1, $2, $6), $7::uuid) AS status",
      {creds_.kioskId, creds_.token, visitId, guardId, reason, toSqlTimestamp(at), pinCheck});
  return visitStatusFromString(rows[0].text("status"));
}

PinCheck KioskClient::checkGuardPin(std::optional<std::int64_t> guardId, const std::string& pin) {
  auto rows =
      conn_.execPrepared("k_pin_check",
                         "SELECT outcome, guard_id, check_id, "
                         "coalesce(extract(epoch FROM locked_until)::bigint, 0) AS locked_unix "
                         "FROM gh.kiosk_guard_pin_check($1, $2, $3, $4)",
                         {creds_.kioskId, creds_.token, guardId, pin});
  PinCheck out;
  const auto outcome = rows[0].text("outcome");
  out.outcome = outcome == "ok"       ? PinOutcome::Ok
                : outcome == "locked" ? PinOutcome::Locked
                                      : PinOutcome::Wrong;
  out.guardId = rows[0].optInt64("guard_id").value_or(0);
  if (!rows[0].isNull("check_id")) out.checkId = rows[0].uuid("check_id");
  out.lockedUntilUnix = rows[0].int64("locked_unix");
  return out;
}

PinPolicy KioskClient::pinPolicy() {
  auto rows = conn_.execPrepared("k_pin_policy", "SELECT * FROM gh.kiosk_pin_policy($1, $2)",
                                 {creds_.kioskId, creds_.token});
  return {static_cast<int>(rows[0].int64("max_failures")),
          static_cast<int>(rows[0].int64("lock_minutes")),
          static_cast<int>(rows[0].int64("offline_approvals"))};
}

}  // namespace gatehouse::backend
