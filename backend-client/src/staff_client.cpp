// StaffClient: the SQL behind the staff API (once the console's), over gh.visit_card.
#include "gatehouse/backend/staff_client.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace gatehouse::backend {

namespace {

TimePoint fromMs(std::int64_t ms) { return TimePoint{std::chrono::milliseconds(ms)}; }
std::optional<TimePoint> optMs(const Row& r, std::string_view col) {
  auto v = r.optInt64(col);
  if (!v) return std::nullopt;
  return fromMs(*v);
}
std::optional<Uuid> optUuid(const Row& r, std::string_view col) {
  if (r.isNull(col)) return std::nullopt;
  return r.uuid(col);
}
std::optional<std::string> msParam(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  using namespace std::chrono;
  return std::to_string(duration_cast<milliseconds>(t->time_since_epoch()).count());
}

// A PostgreSQL text[] as json (array_to_json) -> strings.
std::vector<std::string> stringsFromJson(const std::string& text) {
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& v : j)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

void sortQueue(std::vector<QueueCard>& queue) {
  std::stable_sort(queue.begin(), queue.end(), [](const QueueCard& a, const QueueCard& b) {
    if (a.escalated != b.escalated) return a.escalated;
    if (a.held != b.held) return a.held;
    return a.requestedAt < b.requestedAt;
  });
}

constexpr const char* kAlertSelect = R"sql(
  SELECT a.id, a.kind, a.visit_id, a.kiosk_id, coalesce(k.name, a.details->>'kiosk_name', '') AS kiosk_name,
         coalesce(c.visitor_name, '') AS visitor_name, coalesce(c.unit_label, '') AS unit_label,
         a.details::text AS details, (extract(epoch FROM a.created_at) * 1000)::bigint AS created_ms,
         p.full_name AS ack_by, (extract(epoch FROM a.acknowledged_at) * 1000)::bigint AS ack_ms,
         a.photo_jpeg IS NOT NULL AS has_photo
    FROM gh.alert a
    LEFT JOIN gh.kiosk k ON k.id = a.kiosk_id
    LEFT JOIN gh.visit_card c ON c.visit_id = a.visit_id
    LEFT JOIN gh.person p ON p.id = a.acknowledged_by
)sql";

AlertRow alertFrom(const Row& r) {
  AlertRow a;
  a.id = r.int64("id");
  a.kind = r.text("kind");
  a.visitId = optUuid(r, "visit_id");
  a.kioskId = r.optInt64("kiosk_id");
  a.kioskName = r.text("kiosk_name");
  a.visitorName = r.text("visitor_name");
  a.unitLabel = r.text("unit_label");
  a.detailsJson = r.text("details");
  a.createdAt = fromMs(r.int64("created_ms"));
  a.acknowledgedBy = r.optText("ack_by");
  a.acknowledgedAt = optMs(r, "ack_ms");
  a.hasPhoto = r.boolean("has_photo");
  return a;
}

std::vector<AlertRow> alertsFrom(const Rows& rows) {
  std::vector<AlertRow> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(alertFrom(rows[i]));
  return out;
}

StoredPhoto photoFrom(const Rows& rows) {
  StoredPhoto p;
  if (!rows.empty() && !rows[0].isNull("data")) {
    p.data = rows[0].bytes("data");
    p.contentType = rows[0].text("content_type");
  }
  return p;
}

KioskTile kioskFrom(const Row& r) {
  KioskTile t;
  t.id = r.int64("id");
  t.name = r.text("name");
  t.location = r.text("location");
  t.lastHeartbeat = optMs(r, "hb_ms");
  t.screen = r.text("screen");
  t.devicesJson = r.text("health");
  t.faults = faultsFromHealth(t.devicesJson);
  t.outboxDepth = static_cast<int>(r.int64("outbox_depth"));
  t.version = r.text("version");
  t.latestVisit = optUuid(r, "visit_id");
  t.latestVisitor = r.text("visitor");
  t.latestPhotoId = optUuid(r, "photo_id");
  return t;
}

StaffSession sessionIn(Connection& tx) {
  auto rows = tx.execPrepared("staff_session", R"sql(
    SELECT p.id, p.estate_id, p.role::text AS role, p.full_name, e.name AS estate
      FROM gh.person p JOIN gh.estate e ON e.id = p.estate_id
     WHERE p.id = gh.current_person_id())sql");
  if (rows.empty()) throw Error(ErrorKind::NotFound, "signed-in person not found");
  StaffSession s;
  s.personId = rows[0].int64("id");
  s.estateId = rows[0].int64("estate_id");
  s.role = rows[0].text("role");
  s.fullName = rows[0].text("full_name");
  s.estateName = rows[0].text("estate");
  return s;
}

}  // namespace

std::vector<std::string> faultsFromHealth(const std::string& healthJson) {
  std::vector<std::string> out;
  nlohmann::json j = nlohmann::json::parse(healthJson, nullptr, false);
  if (!j.is_object()) return out;
  for (const auto& [device, state] : j.items()) {
    if (state.is_string()) {
      const auto v = state.get<std::string>();
      if (v != "ok" && v != "ready" && v != "disabled") out.push_back(device + ": " + v);
    } else if (state.is_boolean()) {
      if (!state.get<bool>()) out.push_back(device);
    } else if (state.is_object()) {
      const bool ok = state.value("ok", true);
      const std::string status = state.value("status", std::string(ok ? "ok" : "fault"));
      if (!ok || (status != "ok" && status != "ready")) {
        out.push_back(device + ": " + state.value("message", status));
      }
    }
  }
  return out;
}

StaffSession StaffClient::session() {
  StaffSession s;
  as([&](Connection& tx) { s = sessionIn(tx); });
  return s;
}

std::vector<KioskTile> StaffClient::kiosks() {
  std::vector<KioskTile> out;
  as([&](Connection& tx) {
    auto rows = tx.execPrepared("staff_kiosks", R"sql(
      SELECT k.id, k.name, k.location, (extract(epoch FROM k.last_heartbeat) * 1000)::bigint AS hb_ms,
             coalesce(k.current_screen, '') AS screen, k.device_health::text AS health, k.outbox_depth,
             coalesce(k.software_version, '') AS version, lv.visit_id, coalesce(lv.visitor_name, '') AS visitor,
             ev.id AS photo_id
        FROM gh.kiosk k
        LEFT JOIN LATERAL (SELECT c.visit_id, c.visitor_name FROM gh.visit_card c WHERE c.kiosk_id = k.id
                            ORDER BY c.requested_at DESC LIMIT 1) lv ON true
        LEFT JOIN LATERAL (SELECT e.id FROM gh.evidence e WHERE e.kiosk_id = k.id AND e.kind = 'entry_photo'
                            ORDER BY e.captured_at DESC LIMIT 1) ev ON true
       WHERE k.estate_id = gh.my_estate()
       ORDER BY k.id)sql");
    for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(kioskFrom(rows[i]));
  });
  return out;
}

std::vector<QueueCard> StaffClient::queue() {
  std::vector<QueueCard> out;
  as([&](Connection& tx) {
    auto rows = tx.execPrepared("staff_queue", R"sql(
      SELECT visit_id, visitor_name, visitor_phone, unit_label, array_to_json(host_phones)::text AS hosts,
             purpose, coalesce(kiosk_name, '') AS kiosk, requested_ms, held, escalated, photo_id
        FROM gh.visit_card
       WHERE status = 'pending' AND estate_id = gh.my_estate()
       ORDER BY requested_at)sql");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row r = rows[i];
      QueueCard q;
      q.id = r.uuid("visit_id");
      q.visitorName = r.text("visitor_name");
      q.visitorPhone = r.text("visitor_phone");
      q.unitLabel = r.text("unit_label");
      q.hostPhones = stringsFromJson(r.text("hosts"));
      q.purpose = r.text("purpose");
      q.kioskName = r.text("kiosk");
      q.requestedAt = fromMs(r.int64("requested_ms"));
      q.held = r.boolean("held");
      q.escalated = r.boolean("escalated");
      q.photoId = optUuid(r, "photo_id");
      out.push_back(std::move(q));
    }
  });
  sortQueue(out);
  return out;
}

std::vector<AlertRow> StaffClient::openAlerts() {
  std::vector<AlertRow> out;
  as([&](Connection& tx) {
    out = alertsFrom(tx.execPrepared("staff_open_alerts",
                                     std::string(kAlertSelect) +
                                         " WHERE a.acknowledged_at IS NULL AND a.estate_id = "
                                         "gh.my_estate() ORDER BY a.created_at DESC LIMIT 200"));
  });
  return out;
}

std::vector<AlertRow> StaffClient::recentAcknowledged(int limit) {
  std::vector<AlertRow> out;
  as([&](Connection& tx) {
    out = alertsFrom(tx.execPrepared("staff_acked_alerts",
                                     std::string(kAlertSelect) +
                                         " WHERE a.acknowledged_at IS NOT NULL AND a.estate_id = "
                                         "gh.my_estate() ORDER BY a.acknowledged_at DESC LIMIT $1",
                                     {std::clamp(limit, 1, 200)}));
  });
  return out;
}

std::vector<OnSiteRow> StaffClient::onSite() {
  std::vector<OnSiteRow> out;
  as([&](Connection& tx) {
    auto rows = tx.execPrepared("staff_onsite", R"sql(
      SELECT visit_id, visitor_name, unit_label, visitor_phone, coalesce(kiosk_name, 'manual') AS kiosk,
             entered_ms, expected_exit_ms, photo_id
        FROM gh.visit_card
       WHERE status = 'checked_in' AND estate_id = gh.my_estate()
       ORDER BY unit_label, visitor_name)sql");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row r = rows[i];
      OnSiteRow o;
      o.visitId = r.uuid("visit_id");
      o.visitorName = r.text("visitor_name");
      o.unitLabel = r.text("unit_label");
      o.phone = r.text("visitor_phone");
      o.kioskName = r.text("kiosk");
      o.enteredAt = fromMs(r.int64("entered_ms"));
      o.expectedExitAt = optMs(r, "expected_exit_ms");
      o.photoId = optUuid(r, "photo_id");
      out.push_back(std::move(o));
    }
  });
  return out;
}

std::vector<HistoryEntry> StaffClient::history(const HistoryFilter& q) {
  std::vector<HistoryEntry> out;
  as([&](Connection& tx) {
    auto rows = tx.execPrepared(
        "staff_history", R"sql(
      SELECT visit_id, visitor_name, unit_label, coalesce(kiosk_name, 'manual') AS kiosk_name,
             status::text AS status, purpose,
             (extract(epoch FROM requested_at) * 1000)::bigint AS requested_ms,
             (extract(epoch FROM decided_at) * 1000)::bigint AS decided_ms,
             (extract(epoch FROM entered_at) * 1000)::bigint AS entered_ms,
             (extract(epoch FROM exited_at) * 1000)::bigint AS exited_ms,
             coalesce(decision_channel::text, '') AS channel, coalesce(decision_reason, '') AS reason, held,
             escalated
        FROM gh.console_search_visits($1, $2, to_timestamp($3::float8 / 1000), to_timestamp($4::float8 / 1000),
                                      $5, $6, $7))sql",
        {q.name, q.unit, msParam(q.from), msParam(q.to), q.kioskId, q.status, q.limit});
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row r = rows[i];
      HistoryEntry h;
      h.visitId = r.uuid("visit_id");
      h.visitorName = r.text("visitor_name");
      h.unitLabel = r.text("unit_label");
      h.kioskName = r.text("kiosk_name");
      h.status = r.text("status");
      h.purpose = r.text("purpose");
      h.requestedAt = fromMs(r.int64("requested_ms"));
      h.decidedAt = optMs(r, "decided_ms");
      h.enteredAt = optMs(r, "entered_ms");
      h.exitedAt = optMs(r, "exited_ms");
      h.decisionChannel = r.text("channel");
      h.decisionReason = r.text("reason");
      h.held = r.boolean("held");
      h.escalated = r.boolean("escalated");
      out.push_back(std::move(h));
    }
  });
  return out;
}

StoredPhoto StaffClient::visitPhoto(const Uuid& visit) {
  StoredPhoto p;
  as([&](Connection& tx) {
    p = photoFrom(tx.execPrepared(
        "staff_visit_photo",
        "SELECT data, content_type FROM gh.evidence WHERE visit_id = $1 AND kind = 'entry_photo' "
        "AND estate_id = gh.my_estate() ORDER BY captured_at DESC LIMIT 1",
        {visit}));
  });
  return p;
}

StoredPhoto StaffClient::alertPhoto(std::int64_t alertId) {
  StoredPhoto p;
  as([&](Connection& tx) {
    p = photoFrom(tx.execPrepared("staff_alert_photo",
                                  "SELECT photo_jpeg AS data, 'image/jpeg' AS content_type FROM "
                                  "gh.alert WHERE id = $1 AND estate_id = gh.my_estate()",
                                  {alertId}));
  });
  return p;
}

StoredPhoto StaffClient::evidencePhoto(const Uuid& evidenceId) {
  StoredPhoto p;
  as([&](Connection& tx) {
    p = photoFrom(tx.execPrepared("staff_evidence_photo",
                                  "SELECT data, content_type FROM gh.evidence WHERE id = $1 AND "
                                  "kind IN ('entry_photo', 'exit_photo') AND estate_id = "
                                  "gh.my_estate()",
                                  {evidenceId}));
  });
  return p;
}

std::vector<UnitChoice> StaffClient::units() {
  std::vector<UnitChoice> out;
  as([&](Connection& tx) {
    auto rows = tx.execPrepared(
        "staff_units",
        "SELECT id, label FROM gh.unit WHERE estate_id = gh.my_estate() ORDER BY label");
    for (std::size_t i = 0; i < rows.size(); ++i)
      out.push_back({rows[i].int64("id"), rows[i].text("label")});
  });
  return out;
}

std::string StaffClient::decide(const Uuid& visit, bool approve, const std::string& reason) {
  std::string status;
  as([&](Connection& tx) {
    status =
        tx.exec("SELECT gh.decide_visit($1, $2, $3)::text AS s", {visit, approve, reason})[0].text(
            "s");
  });
  return status;
}

void StaffClient::cancel(const Uuid& visit) {
  as([&](Connection& tx) { tx.exec("SELECT gh.cancel_visit($1)", {visit}); });
}

TimePoint StaffClient::manualEntry(const ManualEntryRequest& m) {
  TimePoint expected{};
  as([&](Connection& tx) {
    Param data;
    if (!m.photo.empty()) data = Param(m.photo.data);
    auto rows = tx.exec(
        "SELECT (extract(epoch FROM gh.console_manual_entry($1, $2, $3, $4, $5, $6, $7, $8)) * "
        "1000)::bigint AS e",
        {m.visitId, m.unitId, m.name, m.phone, m.purpose, m.reason, data,
         m.photo.contentType.empty() ? std::string("image/jpeg") : m.photo.contentType});
    expected = fromMs(rows[0].int64("e"));
  });
  return expected;
}

void StaffClient::manualExit(const Uuid& visit, const std::string& reason) {
  as([&](Connection& tx) { tx.exec("SELECT gh.console_manual_exit($1, $2)", {visit, reason}); });
}

int StaffClient::acknowledge(const std::vector<std::int64_t>& alertIds) {
  int n = 0;
  as([&](Connection& tx) {
    for (auto id : alertIds) {
      // A savepoint per alert: one acknowledged meanwhile by another guard does not undo the rest.
      tx.exec("SAVEPOINT ack");
      try {
        tx.exec("SELECT gh.acknowledge_alert($1)", {id});
        tx.exec("RELEASE SAVEPOINT ack");
        ++n;
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::NotFound) throw;
        tx.exec("ROLLBACK TO SAVEPOINT ack");
      }
    }
  });
  return n;
}

std::vector<WatchlistRow> StaffClient::watchlist() {
  std::vector<WatchlistRow> out;
  as([&](Connection& tx) {
    auto rows = tx.execPrepared("staff_watchlist", R"sql(
      SELECT w.id, coalesce(w.full_name, '') AS full_name, coalesce(w.name_key, '') AS name_key,
             w.document_hash IS NOT NULL AS has_doc, w.reason, coalesce(p.full_name, '') AS added_by, w.active,
             (extract(epoch FROM w.created_at) * 1000)::bigint AS created_ms,
             (SELECT count(*) FROM gh.alert a WHERE a.estate_id = w.estate_id AND a.kind = 'watchlist_hit'
                AND a.details->>'watchlist_id' = w.id::text) AS hits
        FROM gh.watchlist w LEFT JOIN gh.person p ON p.id = w.added_by
       WHERE w.estate_id = gh.my_estate()
       ORDER BY w.active DESC, w.created_at DESC)sql");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row r = rows[i];
      WatchlistRow e;
      e.id = r.int64("id");
      e.fullName = r.text("full_name");
      e.nameKey = r.text("name_key");
      e.hasDocument = r.boolean("has_doc");
      e.reason = r.text("reason");
      e.addedBy = r.text("added_by");
      e.active = r.boolean("active");
      e.createdAt = fromMs(r.int64("created_ms"));
      e.hits = static_cast<int>(r.int64("hits"));
      out.push_back(std::move(e));
    }
  });
  return out;
}

std::int64_t StaffClient::watchlistAdd(const std::string& name, const std::string& reason) {
  std::int64_t id = 0;
  as([&](Connection& tx) {
    id = tx.exec("SELECT gh.watchlist_add($1, NULL, $2) AS id", {name, reason})[0].int64("id");
  });
  return id;
}

std::int64_t StaffClient::watchlistAddFromVisit(const Uuid& visit, const std::string& reason) {
  std::int64_t id = 0;
  as([&](Connection& tx) {
    id = tx.exec("SELECT gh.watchlist_add(NULL, NULL, $1, $2) AS id", {reason, visit})[0].int64(
        "id");
  });
  return id;
}

void StaffClient::watchlistSetActive(std::int64_t id, bool active) {
  as([&](Connection& tx) { tx.exec("SELECT gh.watchlist_set_active($1, $2)", {id, active}); });
}

std::vector<AlertRow> StaffClient::watchlistHits(std::int64_t watchlistId) {
  std::vector<AlertRow> out;
  as([&](Connection& tx) {
    // Another estate's entry is "not found", not an empty list that says nothing was hit.
    if (tx.exec("SELECT 1 FROM gh.watchlist WHERE id = $1 AND estate_id = gh.my_estate()",
                {watchlistId})
            .empty())
      throw Error(ErrorKind::NotFound, "watchlist entry not found", {}, "watchlist_not_found");
    out = alertsFrom(tx.exec(std::string(kAlertSelect) +
                                 " WHERE a.kind = 'watchlist_hit' AND a.estate_id = gh.my_estate() "
                                 "AND a.details->>'watchlist_id' = $1::text "
                                 "ORDER BY a.created_at DESC LIMIT 200",
                             {watchlistId}));
  });
  return out;
}

Uuid StaffClient::openGate(std::int64_t kioskId, const std::string& direction,
                           const std::string& reason) {
  Uuid id;
  as([&](Connection& tx) {
    id = tx.exec("SELECT gh.staff_open_gate($1, $2, $3) AS id", {kioskId, direction, reason})[0]
             .uuid("id");
  });
  return id;
}

Retention StaffClient::retention() {
  Retention r;
  as([&](Connection& tx) { r = getRetention(tx, sessionIn(tx).estateId); });
  return r;
}

Retention StaffClient::setRetention(const RetentionChange& change) {
  Retention r;
  as([&](Connection& tx) { r = backend::setRetention(tx, sessionIn(tx).estateId, change); });
  return r;
}

std::vector<LegalHoldRow> StaffClient::legalHolds() {
  std::vector<LegalHoldRow> out;
  as([&](Connection& tx) {
    auto rows = tx.execPrepared("staff_legal_holds", R"sql(
      SELECT h.visit_id, h.reason, coalesce(p.full_name, '') AS placed_by,
             (extract(epoch FROM h.placed_at) * 1000)::bigint AS placed_ms
        FROM gh.legal_hold h LEFT JOIN gh.person p ON p.id = h.placed_by
       WHERE h.released_at IS NULL AND h.estate_id = gh.my_estate()
       ORDER BY h.placed_at DESC)sql");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row r = rows[i];
      out.push_back({r.uuid("visit_id"), r.text("reason"), r.text("placed_by"),
                     fromMs(r.int64("placed_ms"))});
    }
  });
  return out;
}

}  // namespace gatehouse::backend
