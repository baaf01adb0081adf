// Maps outbox events onto backend::KioskClient calls (all idempotent on their UUIDs).
#include "gatehouse/kiosk/remote_kiosk.hpp"

#include <nlohmann/json.hpp>

#include "gatehouse/backend/kiosk_client.hpp"
#include "gatehouse/core/base64url.hpp"

namespace gatehouse::kiosk {
namespace {

using json = nlohmann::json;
using backend::TimePoint;

TimePoint at(std::int64_t unix) { return TimePoint{std::chrono::seconds(unix)}; }

// A deterministic id for the evidence row of an outbox event, so a resend reuses it.
Uuid evidenceIdFor(const OutboxEvent& e) { return e.id; }

class KioskRemote final : public Remote {
 public:
  KioskRemote(const std::string& url, std::int64_t kioskId, const std::string& token)
      : client_(url, backend::KioskCredentials{kioskId, token}) {}

  std::string send(const OutboxEvent& e) override {
    const json p = json::parse(e.payload.empty() ? "{}" : e.payload);
    if (e.kind == "request_visit") {
      backend::VisitRequest r;
      r.visitId = e.visit;
      r.unitId = p.value("unit", 0LL);
      r.visitorName = p.value("name", "");
      r.visitorPhone = p.value("phone", "");
      r.purpose = p.value("purpose", "");
      r.documentType = p.value("document_type", "");
      r.documentHash = p.value("document_hash", "");
      r.requestedAt = at(p.value("requested_at", e.createdAt));
      return backend::toString(client_.requestVisit(r).status);
    }
    if (e.kind == "evidence") {
      backend::Evidence ev;
      ev.evidenceId = evidenceIdFor(e);
      ev.visitId = e.visit;
      const std::string kind = p.value("kind", "entry_photo");
      ev.kind = kind == "exit_photo" ? backend::EvidenceKind::ExitPhoto
                : kind == "id_scan"  ? backend::EvidenceKind::IdScan
                : kind == "badge"    ? backend::EvidenceKind::Badge
                                     : backend::EvidenceKind::EntryPhoto;
      ev.contentType = kind == "badge" ? "application/pdf" : "image/jpeg";
      ev.data = e.blob;
      ev.capturedAt = at(p.value("at", e.createdAt));
      return client_.addEvidence(ev);
    }
    if (e.kind == "use_invitation") {
      backend::InvitationUse u;
      u.visitId = e.visit;
      u.invitationId = Uuid::parse(p.value("invitation", "")).value_or(Uuid{});
      u.visitorName = p.value("name", "");
      u.at = at(p.value("at", e.createdAt));
      return backend::toString(client_.useInvitation(u).status);
    }
    if (e.kind == "check_in") {
      client_.checkIn(e.visit, p.value("exit_token_hash", ""), at(p.value("at", e.createdAt)));
      return "checked_in";
    }
    if (e.kind == "check_out") {
      auto token = parseExitToken(p.value("token", ""));
      if (!token)
        throw backend::Error(backend::ErrorKind::InvalidInput, "bad exit token in outbox", {},
                             "not_a_badge");
      const auto outcome = client_.recordExit(e.id, token.value(), at(p.value("at", e.createdAt)));
      switch (outcome) {
        case backend::ExitOutcome::Recorded:
          return "recorded";
        case backend::ExitOutcome::AlreadyRecorded:
          return "already_recorded";
        case backend::ExitOutcome::UnknownBadge:
          return "unknown_badge";
        case backend::ExitOutcome::BadgeUsed:
          return "already_used";
        case backend::ExitOutcome::NotCheckedIn:
          return "not_checked_in";
        case backend::ExitOutcome::NotYetKnown:
          return "not_yet_known";
      }
      return "recorded";
    }
    if (e.kind == "cancel") return backend::toString(client_.cancel(e.visit));
    if (e.kind == "alert") {
      std::optional<Uuid> visit;
      if (!e.visit.isNil()) visit = e.visit;
      const std::string details = p.value("details", "{}");
      if (!e.blob.empty())  // a photo that explains it (face_not_found, guard_called)
        return std::to_string(client_.raiseAlert(e.id, p.value("kind", "kiosk"), visit,
                                                 details.empty() ? "{}" : details, e.blob));
      return std::to_string(client_.raiseAlert(e.id, p.value("kind", "kiosk"), visit,
                                               details.empty() ? "{}" : details));
    }
    if (e.kind == "guard_approve") {
      return backend::toString(client_.guardApprove(
          e.visit, std::stoll(p.value("guard", "0")), p.value("reason", "guard PIN at kiosk"),
          at(p.value("at", e.createdAt)), Uuid::parse(p.value("pin_check", ""))));
    }
    if (e.kind == "gate") return sendGate(e, p);
    throw backend::Error(backend::ErrorKind::InvalidInput, "unknown outbox event kind " + e.kind,
                         {}, "unknown_kind");
  }

  std::string visitStatus(const Uuid& visit) override {
    const auto state = client_.visitStatus(visit);
    return backend::toString(state.status);
  }

  std::vector<flow::DirectoryEntry> directory(const std::string& query) override {
    std::vector<flow::DirectoryEntry> out;
    for (const auto& d : client_.directory(query, 50))  // the most it gives; the list scrolls
      out.push_back({d.unitId, d.unitLabel, d.building, d.hostHint});
    return out;
  }

  void heartbeat(const HeartbeatInfo& beat) override {
    (void)client_.heartbeat(backend::Heartbeat{beat.screen, beat.healthJson,
                                               static_cast<int>(beat.outboxDepth), beat.version},
                            std::chrono::system_clock::now());
  }

  void refreshCaches(Outbox& cache) override {
    json keys = json::array();
    for (const auto& k : client_.estateKeys()) {
      keys.push_back({{"estate", k.estateId},
                      {"key_id", k.keyId},
                      {"public_key", base64urlEncode(k.publicKey.data(), k.publicKey.size())},
                      {"timezone", k.timezone}});
    }
    (void)cache.put("estate_keys", keys.dump());
    json revoked = json::array();
    for (const auto& id : client_.revokedInvitations()) revoked.push_back(id.toString());
    (void)cache.put("revoked_invitations", revoked.dump());
    json pins = json::array();
    for (const auto& g : client_.guardPins())
      pins.push_back({{"id", g.personId}, {"name", g.fullName}, {"pin_hash", g.pinHash}});
    (void)cache.put("guard_pins", pins.dump());
    const auto policy = client_.pinPolicy();
    (void)cache.put("pin_policy", json{{"max_failures", policy.maxFailures},
                                       {"lock_minutes", policy.lockMinutes},
                                       {"offline_approvals", policy.offlineApprovals}}
                                      .dump());
    json dir = json::array();
    for (const auto& d : client_.directory("", 500)) {
      dir.push_back({{"unit", d.unitId},
                     {"label", d.unitLabel},
                     {"building", d.building},
                     {"hint", d.hostHint}});
    }
    (void)cache.put("directory", dir.dump());
  }

  std::vector<RemoteCommand> takeCommands() override {
    std::vector<RemoteCommand> out;
    for (const auto& c : client_.takeCommands())
      out.push_back({c.id, c.kind, c.direction, c.reason, c.requestedBy});
    return out;
  }

 private:
  // An opening of the gate or a relay fault (GateRecorder in the kiosk app writes these).
  std::string sendGate(const OutboxEvent& e, const json& p) {
    backend::GateEvent g;
    g.eventId = e.id;
    if (!e.visit.isNil()) g.visitId = e.visit;
    g.commandId = Uuid::parse(p.value("command", ""));
    g.direction = p.value("direction", "");
    g.channel = p.value("channel", 0);
    g.reason = p.value("reason", "");
    g.outcome = p.value("outcome", "");
    g.fault = p.value("fault", "");
    g.at = at(p.value("at", e.createdAt));
    return client_.gateEvent(g);
  }

  backend::KioskClient client_;
};

}  // namespace

std::unique_ptr<Remote> connectKioskRemote(const std::string& databaseUrl, std::int64_t kioskId,
                                           const std::string& token) {
  return std::make_unique<KioskRemote>(databaseUrl, kioskId, token);
}

}  // namespace gatehouse::kiosk
