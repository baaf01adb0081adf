// ConsoleStore: the SQL behind every console panel, run as the signed-in guard.
#include "gatehouse/console/store.hpp"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "time_util.hpp"

namespace gatehouse::console {

using backend::Connection;
using backend::Row;
using detail::optTime;
using detail::time;

bool kioskOnline(const std::optional<TimePoint>& lastHeartbeat, TimePoint now,
                 std::chrono::milliseconds offlineAfter) {
  return lastHeartbeat && now - *lastHeartbeat <= offlineAfter;
}

void sortQueue(std::vector<PendingVisit>& queue) {
  std::stable_sort(queue.begin(), queue.end(), [](const PendingVisit& a, const PendingVisit& b) {
    if (a.escalated != b.escalated) return a.escalated;
    if (a.held != b.held) return a.held;
    return a.requestedAt < b.requestedAt;
  });
}

std::string formatTime(TimePoint t, bool withDate) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, withDate ? "%Y-%m-%d %H:%M" : "%H:%M", &tm);
  return buf;
}

std::string formatDuration(double seconds) {
  if (seconds < 0) seconds = 0;
  const auto s = static_cast<long>(seconds);
  if (s < 60) return std::to_string(s) + " s";
  if (s < 3600) return std::to_string(s / 60) + " min";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld h %02ld min", s / 3600, (s % 3600) / 60);
  return buf;
}

namespace {

std::vector<std::string> faultsFrom(const std::string& healthJson) {
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

std::string summaryFor(const std::string& kind, const std::string& detailsJson,
                       const std::string& visitor, const std::string& kiosk) {
  nlohmann::json d = nlohmann::json::parse(detailsJson, nullptr, false);
  auto field = [&](const char* k) {
    return d.is_object() && d.contains(k) && d[k].is_string() ? d[k].get<std::string>()
                                                              : std::string();
  };
  std::string s;
  if (kind == "watchlist_hit") {
    s = (visitor.empty() ? field("name") : visitor) + " matches the watchlist";
    if (auto r = field("reason"); !r.empty()) s += " (" + r + ")";
  } else if (kind == "approval_timeout") {
    s = visitor + ": the resident did not answer";
  } else if (kind == "overstay") {
    s = visitor + " is still on site past the expected exit";
  } else if (kind == "kiosk_offline") {
    s = kiosk + " stopped sending heartbeats";
  } else if (kind == "report") {
    s = "Resident reports " + visitor + ": " + field("reason");
  } else if (kind == "unknown_badge") {
    s = "Unknown badge at " + kiosk;
  } else if (kind == "badge_used") {
    s = "Badge already used" + (visitor.empty() ? std::string() : " (" + visitor + ")") + " at " +
        kiosk;
  } else if (kind == "printer_fault") {
    s = kiosk + ": printer fault";
    if (auto r = field("reason"); !r.empty()) s += " (" + r + ")";
    if (auto r = field("message"); !r.empty()) s += " (" + r + ")";
  } else if (kind == "guard_called") {
    s = kiosk + ": a visitor called a guard from the " + field("screen") + " screen";
  } else if (kind == "face_not_found") {
    s = kiosk + ": no face in three photos; the last one is with the alert";
  } else if (kind == "lost_badge") {
    s = kiosk + ": a visitor lost the badge and cannot check out";
  } else {
    s = kind + (kiosk.empty() ? std::string() : " at " + kiosk) +
        (visitor.empty() ? std::string() : ": " + visitor);
  }
  return s;
}

AlertItem alertFrom(const Row& r) {
  AlertItem a;
  a.id = r.int64("id");
  a.kind = r.text("kind");
  if (!r.isNull("visit_id")) a.visitId = r.uuid("visit_id");
  a.kioskId = r.optInt64("kiosk_id");
  a.kioskName = r.text("kiosk_name");
  a.visitorName = r.text("visitor_name");
  a.unitLabel = r.text("unit_label");
  a.detailsJson = r.text("details");
  a.createdAt = time(r, "created");
  a.acknowledgedBy = r.optText("ack_by");
  a.acknowledgedAt = optTime(r, "ack_at");
  a.summary = summaryFor(a.kind, a.detailsJson, a.visitorName, a.kioskName);
  return a;
}

constexpr const char* kAlertSelect = R"sql(
  SELECT a.id, a.kind, a.visit_id, a.kiosk_id, coalesce(k.name, a.details->>'kiosk_name', '') AS kiosk_name,
         coalesce(vr.full_name, '') AS visitor_name, coalesce(u.label, '') AS unit_label, a.details::text AS details,
         extract(epoch FROM a.created_at)::float8 AS created, p.full_name AS ack_by,
         extract(epoch FROM a.acknowledged_at)::float8 AS ack_at
    FROM gh.alert a
    LEFT JOIN gh.kiosk k ON k.id = a.kiosk_id
    LEFT JOIN gh.visit v ON v.id = a.visit_id
    LEFT JOIN gh.visitor vr ON vr.id = v.visitor_id
    LEFT JOIN gh.unit u ON u.id = v.unit_id
    LEFT JOIN gh.person p ON p.id = a.acknowledged_by
)sql";

Photo photoFrom(const Row& r) {
  Photo p;
  if (!r.isNull("data")) {
    p.data = r.bytes("data");
    p.contentType = r.text("content_type");
  }
  return p;
}

}  // namespace

ConsoleStore::ConsoleStore(Connection connection, std::int64_t personId)
    : conn_(std::move(connection)), personId_(personId) {}

Session ConsoleStore::session() {
  Session s;
  as([&](Connection& tx) {
    auto rows = tx.exec(
        "SELECT p.id, p.estate_id, p.role::text AS role, p.full_name, e.name AS estate FROM "
        "gh.person p "
        "JOIN gh.estate e ON e.id = p.estate_id WHERE p.id = $1",
        {personId_});
    if (rows.empty())
      throw backend::Error(backend::ErrorKind::NotFound, "signed-in person not found");
    s.personId = rows[0].int64("id");
    s.estateId = rows[0].int64("estate_id");
    s.role = rows[0].text("role");
    s.fullName = rows[0].text("full_name");
    s.estateName = rows[0].text("estate");
  });
  return s;
}

std::vector<KioskTile> ConsoleStore::kiosks() {
  std::vector<KioskTile> out;
  as([&](Connection& tx) {
    auto rows = tx.execPrepared("console_kiosks", R"sql(
      SELECT k.id, k.name, k.location, extract(epoch FROM k.last_heartbeat)::float8 AS hb,
             coalesce(k.current_screen, '') AS screen, k.device_health::text AS health, k.outbox_depth,
             coalesce(k.software_version, '') AS version, lv.id AS visit_id, coalesce(lv.full_name, '') AS visitor,
             ev.id AS photo_id
        FROM gh.kiosk k
        LEFT JOIN LATERAL (SELECT v.id, vr.full_name FROM gh.visit v JOIN gh.visitor vr ON vr.id = v.visitor_id
                            WHERE v.kiosk_id = k.id ORDER BY v.requested_at DESC LIMIT 1) lv ON true
        LEFT JOIN LATERAL (SELECT e.id FROM gh.evidence e WHERE e.kiosk_id = k.id AND e.kind = 'entry_photo'
                            ORDER BY e.captured_at DESC LIMIT 1) ev ON true
       ORDER BY k.id)sql");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row r = rows[i];
      KioskTile t;
      t.id = r.int64("id");
      t.name = r.text("name");
      t.location = r.text("location");
      t.lastHeartbeat = optTime(r, "hb");
      t.screen = r.text("screen");
      t.faults = faultsFrom(r.text("health"));
      t.outboxDepth = static_cast<int>(r.int64("outbox_depth"));
      t.version = r.text("version");
      if (!r.isNull("visit_id")) t.latestVisit = r.uuid("visit_id");
      t.latestVisitor = r.text("visitor");
      if (!r.isNull("photo_id")) t.latestPhotoId = r.uuid("photo_id");
      out.push_back(std::move(t));
    }
  });
  return out;
}

std::vector<PendingVisit> ConsoleStore::queue() {
  std::vector<PendingVisit> out;
  as([&](Connection& tx) {
    auto rows = tx.execPrepared("console_queue", R"sql(
      SELECT v.id, vr.full_name, u.label, v.purpose, coalesce(k.name, '') AS kiosk,
             extract(epoch FROM v.requested_at)::float8 AS requested, v.held, v.escalated_at IS NOT NULL AS escalated
        FROM gh.visit v JOIN gh.visitor vr ON vr.id = v.visitor_id JOIN gh.unit u ON u.id = v.unit_id
        LEFT JOIN gh.kiosk k ON k.id = v.kiosk_id
       WHERE v.status = 'pending' AND v.estate_id = gh.my_estate()
       ORDER BY v.requested_at)sql");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row r = rows[i];
      PendingVisit p;
      p.id = r.uuid("id");
      p.visitorName = r.text("full_name");
      p.unitLabel = r.text("label");
      p.purpose = r.text("purpose");
      p.kioskName = r.text("kiosk");
      p.requestedAt = time(r, "requested");
      p.held = r.boolean("held");
      p.escalated = r.boolean("escalated");
      out.push_back(std::move(p));
    }
  });
  sortQueue(out);
  return out;
}

std::vector<AlertItem> ConsoleStore::openAlerts() {
  std::vector<AlertItem> out;
  as([&](Connection& tx) {
    auto rows = tx.execPrepared("console_open_alerts",
                                std::string(kAlertSelect) +
                                    " WHERE a.acknowledged_at IS NULL AND a.estate_id = "
                                    "gh.my_estate() ORDER BY a.created_at DESC LIMIT 200");
    for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(alertFrom(rows[i]));
  });
  return out;
}

std::vector<AlertItem> ConsoleStore::recentAcknowledged(int limit) {
  std::vector<AlertItem> out;
  as([&](Connection& tx) {
    auto rows = tx.execPrepared("console_acked_alerts",
                                std::string(kAlertSelect) +
                                    " WHERE a.acknowledged_at IS NOT NULL AND a.estate_id = "
                                    "gh.my_estate() ORDER BY a.acknowledged_at DESC LIMIT $1",
                                {limit});
    for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(alertFrom(rows[i]));
  });
  return out;
}

std::vector<OnSiteVisitor> ConsoleStore::onSite() {
  std::vector<OnSiteVisitor> out;
  as([&](Connection& tx) {
    auto rows = tx.execPrepared("console_onsite", R"sql(
      SELECT v.id, vr.full_name, u.label, coalesce(vr.phone, '') AS phone, coalesce(k.name, 'manual') AS kiosk,
             extract(epoch FROM v.entered_at)::float8 AS entered, extract(epoch FROM v.expected_exit_at)::float8 AS expected,
             ph.data, ph.content_type
        FROM gh.visit v JOIN gh.visitor vr ON vr.id = v.visitor_id JOIN gh.unit u ON u.id = v.unit_id
        LEFT JOIN gh.kiosk k ON k.id = v.kiosk_id
        LEFT JOIN LATERAL (SELECT e.data, e.content_type FROM gh.evidence e WHERE e.visit_id = v.id
                            AND e.kind = 'entry_photo' ORDER BY e.captured_at DESC LIMIT 1) ph ON true
       WHERE v.status = 'checked_in' AND v.estate_id = gh.my_estate()
       ORDER BY u.label, vr.full_name)sql");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row r = rows[i];
      OnSiteVisitor o;
      o.visitId = r.uuid("id");
      o.visitorName = r.text("full_name");
      o.unitLabel = r.text("label");
      o.phone = r.text("phone");
      o.kioskName = r.text("kiosk");
      o.enteredAt = time(r, "entered");
      o.expectedExitAt = optTime(r, "expected");
      o.photo = photoFrom(r);
      out.push_back(std::move(o));
    }
  });
  return out;
}

std::vector<HistoryRow> ConsoleStore::search(const HistoryQuery& q) {
  std::vector<HistoryRow> out;
  as([&](Connection& tx) {
    auto rows = tx.execPrepared("console_search", R"sql(
      SELECT visit_id, visitor_name, unit_label, coalesce(kiosk_name, 'manual') AS kiosk_name, status::text AS status,
             purpose, extract(epoch FROM requested_at)::float8 AS requested,
             extract(epoch FROM decided_at)::float8 AS decided, extract(epoch FROM entered_at)::float8 AS entered,
             extract(epoch FROM exited_at)::float8 AS exited, coalesce(decision_channel::text, '') AS channel,
             coalesce(decision_reason, '') AS reason, held
        FROM gh.console_search_visits($1, $2, to_timestamp($3::float8), to_timestamp($4::float8), $5, $6, $7))sql",
                                {q.name, q.unit, detail::epochParam(q.from),
                                 detail::epochParam(q.to), q.kioskId, q.status, q.limit});
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row r = rows[i];
      HistoryRow h;
      h.visitId = r.uuid("visit_id");
      h.visitorName = r.text("visitor_name");
      h.unitLabel = r.text("unit_label");
      h.kioskName = r.text("kiosk_name");
      h.status = r.text("status");
      h.purpose = r.text("purpose");
      h.requestedAt = time(r, "requested");
      h.decidedAt = optTime(r, "decided");
      h.enteredAt = optTime(r, "entered");
      h.exitedAt = optTime(r, "exited");
      h.decisionChannel = r.text("channel");
      h.decisionReason = r.text("reason");
      h.held = r.boolean("held");
      out.push_back(std::move(h));
    }
  });
  return out;
}

Photo ConsoleStore::visitPhoto(const Uuid& visit) {
  Photo p;
  as([&](Connection& tx) {
    auto rows = tx.execPrepared(
        "console_visit_photo",
        "SELECT data, content_type FROM gh.evidence WHERE visit_id = $1 AND kind = 'entry_photo' "
        "ORDER BY captured_at DESC LIMIT 1",
        {visit});
    if (!rows.empty()) p = photoFrom(rows[0]);
  });
  return p;
}

Photo ConsoleStore::evidencePhoto(const Uuid& evidenceId) {
  Photo p;
  as([&](Connection& tx) {
    auto rows =
        tx.execPrepared("console_evidence_photo",
                        "SELECT data, content_type FROM gh.evidence WHERE id = $1", {evidenceId});
    if (!rows.empty()) p = photoFrom(rows[0]);
  });
  return p;
}

std::vector<UnitOption> ConsoleStore::units() {
  std::vector<UnitOption> out;
  as([&](Connection& tx) {
    auto rows =
        tx.exec("SELECT id, label FROM gh.unit WHERE estate_id = gh.my_estate() ORDER BY label");
    for (std::size_t i = 0; i < rows.size(); ++i)
      out.push_back({rows[i].int64("id"), rows[i].text("label")});
  });
  return out;
}

std::string ConsoleStore::decide(const Uuid& visit, bool approve, const std::string& reason) {
  std::string status;
  as([&](Connection& tx) {
    status =
        tx.exec("SELECT gh.decide_visit($1, $2, $3)::text AS s", {visit, approve, reason})[0].text(
            "s");
  });
  return status;
}

void ConsoleStore::acknowledge(std::int64_t alertId) {
  as([&](Connection& tx) { tx.exec("SELECT gh.acknowledge_alert($1)", {alertId}); });
}

void ConsoleStore::cancel(const Uuid& visit) {
  as([&](Connection& tx) { tx.exec("SELECT gh.cancel_visit($1)", {visit}); });
}

TimePoint ConsoleStore::manualEntry(const Uuid& visit, std::int64_t unitId, const std::string& name,
                                    const std::string& phone, const std::string& purpose,
                                    const std::string& reason, const Photo& photo) {
  TimePoint expected{};
  as([&](Connection& tx) {
    backend::Param data;
    if (!photo.empty()) data = backend::Param(photo.data);
    auto rows = tx.exec(
        "SELECT extract(epoch FROM gh.console_manual_entry($1, $2, $3, $4, $5, $6, $7, "
        "$8))::float8 AS e",
        {visit, unitId, name, phone, purpose, reason, data,
         photo.contentType.empty() ? std::string("image/jpeg") : photo.contentType});
    expected = time(rows[0], "e");
  });
  return expected;
}

void ConsoleStore::manualExit(const Uuid& visit, const std::string& reason) {
  as([&](Connection& tx) { tx.exec("SELECT gh.console_manual_exit($1, $2)", {visit, reason}); });
}

std::vector<WatchlistEntry> ConsoleStore::watchlist() {
  std::vector<WatchlistEntry> out;
  as([&](Connection& tx) {
    auto rows = tx.exec(R"sql(
      SELECT w.id, coalesce(w.full_name, '') AS full_name, coalesce(w.name_key, '') AS name_key,
             w.document_hash IS NOT NULL AS has_doc, w.reason, coalesce(p.full_name, '') AS added_by, w.active,
             extract(epoch FROM w.created_at)::float8 AS created,
             (SELECT count(*) FROM gh.alert a WHERE a.estate_id = w.estate_id AND a.kind = 'watchlist_hit'
                AND a.details->>'watchlist_id' = w.id::text) AS hits
        FROM gh.watchlist w LEFT JOIN gh.person p ON p.id = w.added_by
       ORDER BY w.active DESC, w.created_at DESC)sql");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row r = rows[i];
      WatchlistEntry e;
      e.id = r.int64("id");
      e.fullName = r.text("full_name");
      e.nameKey = r.text("name_key");
      e.hasDocument = r.boolean("has_doc");
      e.reason = r.text("reason");
      e.addedBy = r.text("added_by");
      e.active = r.boolean("active");
      e.createdAt = time(r, "created");
      e.hits = static_cast<int>(r.int64("hits"));
      out.push_back(std::move(e));
    }
  });
  return out;
}

std::int64_t ConsoleStore::watchlistAdd(const std::string& name, const std::string& reason) {
  std::int64_t id = 0;
  as([&](Connection& tx) {
    id = tx.exec("SELECT gh.watchlist_add($1, NULL, $2) AS id", {name, reason})[0].int64("id");
  });
  return id;
}

std::int64_t ConsoleStore::watchlistAddFromVisit(const Uuid& visit, const std::string& reason) {
  std::int64_t id = 0;
  as([&](Connection& tx) {
    id = tx.exec("SELECT gh.watchlist_add(NULL, NULL, $1, $2) AS id", {reason, visit})[0].int64(
        "id");
  });
  return id;
}

void ConsoleStore::watchlistSetActive(std::int64_t id, bool active) {
  as([&](Connection& tx) { tx.exec("SELECT gh.watchlist_set_active($1, $2)", {id, active}); });
}

std::vector<AlertItem> ConsoleStore::watchlistHits(std::int64_t watchlistId) {
  std::vector<AlertItem> out;
  as([&](Connection& tx) {
    auto rows = tx.exec(std::string(kAlertSelect) +
                            " WHERE a.kind = 'watchlist_hit' AND a.details->>'watchlist_id' = "
                            "$1::text ORDER BY a.created_at DESC",
                        {watchlistId});
    for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(alertFrom(rows[i]));
  });
  return out;
}

}  // namespace gatehouse::console
