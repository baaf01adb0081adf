// ResidentClient's visits: the unit's visits (one select, several filters), deciding,
// reporting and photos.
#include <nlohmann/json.hpp>

#include "gatehouse/backend/resident_client.hpp"
#include "time_text.hpp"

namespace gatehouse::backend {

namespace {

// The one select of a visit as the resident page shows it; callers append " AND ..." filters.
constexpr const char* kVisitSelect = R"(
SELECT v.id, v.status::text AS status, v.held, v.purpose, vi.full_name AS visitor,
       v.escalated_at IS NOT NULL AS escalated,
       u.label AS unit_label, gh.portal_kiosk_name(v.kiosk_id) AS kiosk,
       gh.portal_person_name(v.decided_by) AS decided_by, gh.portal_person_role(v.decided_by) AS decided_by_role,
       v.decision_channel::text AS channel, v.decision_reason AS reason, v.invitation_id::text AS invitation,
       (extract(epoch FROM v.requested_at) * 1000)::bigint AS requested_ms,
       (extract(epoch FROM v.decided_at) * 1000)::bigint AS decided_ms,
       (extract(epoch FROM v.entered_at) * 1000)::bigint AS entered_ms,
       (extract(epoch FROM v.exited_at) * 1000)::bigint AS exited_ms,
       (extract(epoch FROM now()) * 1000)::bigint AS now_ms,
       coalesce((SELECT json_agg(json_build_object('id', e.id, 'kind', e.kind) ORDER BY e.captured_at)
                   FROM gh.evidence e WHERE e.visit_id = v.id AND e.kind IN ('entry_photo', 'exit_photo'))::text,
                '[]') AS photos
  FROM gh.visit v JOIN gh.visitor vi ON vi.id = v.visitor_id JOIN gh.unit u ON u.id = v.unit_id
 WHERE v.unit_id = gh.my_unit() )";

// The estate's local day `$n` (or the default) as a timestamp, for the log's range.
constexpr const char* kLogRange =
    " AND v.requested_at >= coalesce(nullif($1, '')::date, (now() - interval '30 days')::date)"
    "::timestamp AT TIME ZONE (SELECT timezone FROM gh.estate WHERE id = gh.my_estate())"
    " AND v.requested_at < (coalesce(nullif($2, '')::date, now()::date) + 1)::timestamp"
    " AT TIME ZONE (SELECT timezone FROM gh.estate WHERE id = gh.my_estate())"
    " ORDER BY v.requested_at DESC LIMIT 1000";

std::vector<VisitPhotoRef> photosFrom(const std::string& text) {
  std::vector<VisitPhotoRef> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& p : j) {
    auto id = Uuid::parse(p.value("id", std::string()));
    if (id) out.push_back({*id, p.value("kind", std::string())});
  }
  return out;
}

ResidentVisit visitFrom(const Row& r) {
  ResidentVisit v;
  v.id = r.uuid("id");
  v.status = r.text("status");
  v.held = r.boolean("held");
  v.escalated = r.boolean("escalated");
  v.purpose = r.text("purpose");
  v.visitor = r.text("visitor");
  v.unitLabel = r.text("unit_label");
  v.kiosk = r.optText("kiosk");
  v.decidedBy = r.optText("decided_by");
  v.decidedByRole = r.optText("decided_by_role");
  v.channel = r.optText("channel");
  v.reason = r.optText("reason");
  v.invitation = r.optText("invitation");
  v.requestedAt = detail::fromMs(r.int64("requested_ms"));
  v.decidedAt = detail::optMs(r, "decided_ms");
  v.enteredAt = detail::optMs(r, "entered_ms");
  v.exitedAt = detail::optMs(r, "exited_ms");
  v.readAt = detail::fromMs(r.int64("now_ms"));
  v.photos = photosFrom(r.text("photos"));
  return v;
}

}  // namespace

std::vector<ResidentVisit> ResidentClient::visits(const std::string& name, const std::string& where,
                                                  const Params& params) {
  auto rows = c_.execPrepared(name, std::string(kVisitSelect) + where, params);
  std::vector<ResidentVisit> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(visitFrom(rows[i]));
  return out;
}

std::optional<ResidentVisit> ResidentClient::visit(const Uuid& id) {
  auto list = visits("resident_visit_one", " AND v.id = $1", {id});
  if (list.empty()) return std::nullopt;
  return list.front();
}

std::vector<ResidentVisit> ResidentClient::pendingVisits() {
  return visits("resident_visits_pending", " AND v.status = 'pending' ORDER BY v.requested_at", {});
}

std::vector<ResidentVisit> ResidentClient::visitLog(const VisitLogRange& range) {
  return visits("resident_visit_log", kLogRange, {range.from, range.to});
}

std::vector<ResidentVisit> ResidentClient::visitsOfInvitation(const Uuid& invitation) {
  return visits("resident_visits_of_invitation",
                " AND v.invitation_id = $1 ORDER BY v.requested_at DESC", {invitation});
}

Decision ResidentClient::decide(const Uuid& id, bool approve, const std::string& channel,
                                const std::string& nonce) {
  if (!nonce.empty()) {
    auto r = c_.exec("SELECT gh.portal_magic_consume($1, $2, gh.current_person_id()) AS first",
                     {nonce, id});
    if (!r[0].boolean("first")) return {true, std::nullopt};
  }
  c_.exec("SELECT gh.decide_visit($1, $2, NULL, $3::gh.decision_channel)", {id, approve, channel});
  // One's own decision is no news: it does not count on the Alerts badge.
  c_.exec(
      "UPDATE gh.notification SET read_at = now() WHERE person_id = gh.current_person_id() "
      "AND kind = 'visit_decided' AND payload->>'visit' = $1::text AND read_at IS NULL",
      {id});
  return {false, visit(id)};
}

void ResidentClient::report(const Uuid& visit, const std::string& reason) {
  c_.exec(
      "INSERT INTO gh.report (estate_id, visit_id, reporter_id, reason) "
      "VALUES (gh.my_estate(), $1, gh.current_person_id(), $2)",
      {visit, reason});
}

std::optional<StoredPhoto> ResidentClient::photo(const Uuid& evidenceId,
                                                 const std::optional<Uuid>& onlyVisit) {
  auto rows = c_.execPrepared(
      "resident_photo",
      "SELECT e.content_type, e.data FROM gh.evidence e JOIN gh.visit v ON v.id = e.visit_id "
      "WHERE e.id = $1 AND e.kind IN ('entry_photo', 'exit_photo') AND v.unit_id = gh.my_unit() "
      "AND ($2::uuid IS NULL OR v.id = $2::uuid)",
      {evidenceId, onlyVisit});
  if (rows.empty()) return std::nullopt;
  StoredPhoto p;
  p.contentType = rows[0].text("content_type");
  p.data = rows[0].bytes("data");
  return p;
}

}  // namespace gatehouse::backend
