// ResidentClient's invitations: list, one, create, revoke and the fields of a pass.
#include <algorithm>

#include "gatehouse/backend/resident_client.hpp"
#include "time_text.hpp"

namespace gatehouse::backend {

namespace {

constexpr const char* kInvitationSelect = R"(
SELECT i.id, i.kind::text AS kind, i.event_name, i.guest_name, i.guest_phone,
       (extract(epoch FROM i.valid_from) * 1000)::bigint AS valid_from_ms,
       (extract(epoch FROM i.valid_until) * 1000)::bigint AS valid_until_ms,
       to_char(i.valid_from AT TIME ZONE e.timezone, 'YYYY-MM-DD') AS date_from,
       to_char((i.valid_until - interval '1 second') AT TIME ZONE e.timezone, 'YYYY-MM-DD') AS date_until,
       i.weekdays, i.day_start_min, i.day_end_min, i.max_uses, i.uses,
       (extract(epoch FROM i.revoked_at) * 1000)::bigint AS revoked_ms,
       (extract(epoch FROM i.created_at) * 1000)::bigint AS created_ms,
       CASE WHEN i.revoked_at IS NOT NULL THEN 'revoked' WHEN i.valid_until <= now() THEN 'expired'
            WHEN i.max_uses > 0 AND i.uses >= i.max_uses THEN 'used_up' ELSE 'active' END AS state,
       e.timezone
  FROM gh.invitation i JOIN gh.estate e ON e.id = i.estate_id
 WHERE i.unit_id = gh.my_unit() )";

// The newest usable signing key of the estate names the key the pass is signed with.
constexpr const char* kInvitationInsert = R"(
INSERT INTO gh.invitation (id, estate_id, host_id, unit_id, kind, event_name, guest_name, guest_phone,
                           valid_from, valid_until, weekdays, day_start_min, day_end_min, max_uses, key_id)
SELECT $1, e.id, gh.current_person_id(), gh.my_unit(), $2::gh.invitation_kind, nullif($3, ''), $4,
       nullif($5, ''), ($6::date)::timestamp AT TIME ZONE e.timezone,
       ($7::date + 1)::timestamp AT TIME ZONE e.timezone, $8, $9, $10, $11, k.key_id
  FROM gh.estate e
 CROSS JOIN LATERAL (SELECT key_id FROM gh.estate_key WHERE estate_id = e.id AND active
                        AND retired_at IS NULL AND revoked_at IS NULL
                      ORDER BY key_id DESC LIMIT 1) k
 WHERE e.id = gh.my_estate() AND ($7::date + 1) > now()::date AND $7::date <= $6::date + 400
RETURNING id)";

int intOf(const Row& r, std::string_view col) { return static_cast<int>(r.int64(col)); }

ResidentInvitation invitationFrom(const Row& r) {
  ResidentInvitation i;
  i.id = r.uuid("id");
  i.kind = r.text("kind");
  i.eventName = r.optText("event_name");
  i.guestName = r.text("guest_name");
  i.guestPhone = r.optText("guest_phone");
  i.validFrom = detail::fromMs(r.int64("valid_from_ms"));
  i.validUntil = detail::fromMs(r.int64("valid_until_ms"));
  i.dateFrom = r.text("date_from");
  i.dateUntil = r.text("date_until");
  i.weekdays = intOf(r, "weekdays");
  i.dayStartMin = intOf(r, "day_start_min");
  i.dayEndMin = intOf(r, "day_end_min");
  i.maxUses = intOf(r, "max_uses");
  i.uses = intOf(r, "uses");
  i.revokedAt = detail::optMs(r, "revoked_ms");
  i.createdAt = detail::fromMs(r.int64("created_ms"));
  i.state = r.text("state");
  i.timezone = r.text("timezone");
  return i;
}

}  // namespace

std::vector<ResidentInvitation> ResidentClient::invitations() {
  auto rows = c_.exec(std::string(kInvitationSelect) + " ORDER BY i.created_at DESC LIMIT 500");
  std::vector<ResidentInvitation> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(invitationFrom(rows[i]));
  return out;
}

std::optional<ResidentInvitation> ResidentClient::invitation(const Uuid& id) {
  auto rows = c_.exec(std::string(kInvitationSelect) + " AND i.id = $1", {id});
  if (rows.empty()) return std::nullopt;
  return invitationFrom(rows[0]);
}

Uuid ResidentClient::createInvitation(const NewInvitation& n) {
  Uuid id = Uuid::random();
  auto rows =
      c_.exec(kInvitationInsert, {id, n.kind, n.eventName, n.guestName, n.guestPhone, n.dateFrom,
                                  n.dateUntil, n.weekdays, n.dayStartMin, n.dayEndMin, n.maxUses});
  if (rows.empty())
    throw Error(ErrorKind::InvalidInput, "invitation not created", "", "dates_or_key");
  return id;
}

RevokeResult ResidentClient::revokeInvitation(const Uuid& id) {
  auto now = invitation(id);
  if (!now) return RevokeResult::NotFound;
  if (now->revokedAt) return RevokeResult::AlreadyRevoked;
  c_.exec(
      "UPDATE gh.invitation SET revoked_at = now() WHERE id = $1 AND unit_id = gh.my_unit() "
      "AND revoked_at IS NULL",
      {id});
  return RevokeResult::Revoked;
}

std::optional<InvitationPass> ResidentClient::passFields(const Uuid& id) {
  auto rows = c_.exec(
      "SELECT i.estate_id, i.key_id, extract(epoch FROM i.valid_from)::bigint AS vf, "
      "extract(epoch FROM i.valid_until)::bigint AS vu, i.weekdays, i.day_start_min, "
      "i.day_end_min, i.max_uses, i.guest_name, u.label "
      "FROM gh.invitation i JOIN gh.unit u ON u.id = i.unit_id "
      "JOIN gh.estate_key k ON k.estate_id = i.estate_id AND k.key_id = i.key_id "
      "  AND k.revoked_at IS NULL "
      "WHERE i.id = $1 AND i.unit_id = gh.my_unit()",
      {id});
  if (rows.empty()) return std::nullopt;
  auto r = rows[0];
  InvitationPass p;
  p.estateId = r.int64("estate_id");
  p.keyId = static_cast<std::uint8_t>(r.int64("key_id"));
  p.invitationId = id;
  p.validFrom = r.int64("vf");
  p.validUntil = r.int64("vu");
  p.weekdays = static_cast<std::uint8_t>(r.int64("weekdays"));
  p.dayStartMinute = static_cast<std::uint16_t>(r.int64("day_start_min"));
  p.dayEndMinute = static_cast<std::uint16_t>(r.int64("day_end_min"));
  p.maxUses = static_cast<std::uint16_t>(std::min<std::int64_t>(r.int64("max_uses"), 65535));
  p.guestName = r.text("guest_name");
  p.unitLabel = r.text("label");
  return p;
}

}  // namespace gatehouse::backend
