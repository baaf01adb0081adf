// Visits resource: pending requests, the visit log (JSON and CSV), one visit, deciding,
// reporting and visit photos, all as the signed-in resident's unit.
#include "visits.hpp"

#include <ctime>

#include "../route_table.hpp"
#include "gatehouse/backend/error.hpp"

namespace gatehouse::portal {

using backend::Connection;
using backend::ErrorKind;
using Access = RouteTable::Access;

const char* const kVisitSelect = R"(
SELECT v.id::text AS id, v.status::text AS status, v.held, v.purpose, vi.full_name AS visitor,
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

namespace {

json optText(const backend::Row& r, const char* k) {
  auto v = r.optText(k);
  return v ? json(*v) : json(nullptr);
}

}  // namespace

json visitJson(const backend::Row& r) {
  json j;
  j["id"] = r.text("id");
  j["status"] = r.text("status");
  j["held"] = r.boolean("held");
  j["escalated"] = r.boolean("escalated");
  j["purpose"] = r.text("purpose");
  j["visitor"] = r.text("visitor");
  j["unit"] = r.text("unit_label");
  j["kiosk"] = optText(r, "kiosk");
  j["decided_by"] = optText(r, "decided_by");
  j["decided_by_role"] = optText(r, "decided_by_role");
  j["channel"] = optText(r, "channel");
  j["reason"] = optText(r, "reason");
  j["invitation"] = optText(r, "invitation");
  for (const char* k : {"requested_ms", "decided_ms", "entered_ms", "exited_ms"}) {
    auto v = r.optInt64(k);
    j[k] = v ? json(*v) : json(nullptr);
  }
  j["waiting_s"] = (r.int64("now_ms") - r.int64("requested_ms")) / 1000;
  j["photos"] = json::parse(r.text("photos"), nullptr, false);
  if (j["photos"].is_discarded()) j["photos"] = json::array();
  return j;
}

std::optional<json> loadVisit(Connection& c, const Uuid& id) {
  auto rows =
      c.execPrepared("portal_visit_one", std::string(kVisitSelect) + " AND v.id = $1", {id});
  if (rows.empty()) return std::nullopt;
  return visitJson(rows[0]);
}

HttpResponse decideAs(Context& ctx, std::int64_t person, const Uuid& id, bool approve,
                      const std::string& channel, const std::string& nonce) {
  std::optional<json> v;
  bool used = false;
  try {
    ctx.asPerson(person, [&](Connection& c) {
      if (!nonce.empty()) {
        auto r = c.exec("SELECT gh.portal_magic_consume($1, $2, $3) AS first", {nonce, id, person});
        if (!r[0].boolean("first")) {
          used = true;
          return;
        }
      }
      c.exec("SELECT gh.decide_visit($1, $2, NULL, $3::gh.decision_channel)",
             {id, approve, channel});
      // One's own decision is no news: it does not count on the Alerts badge.
      c.exec(
          "UPDATE gh.notification SET read_at = now() WHERE person_id = gh.current_person_id() "
          "AND kind = 'visit_decided' AND payload->>'visit' = $1::text AND read_at IS NULL",
          {id});
      v = loadVisit(c, id);
    });
  } catch (const backend::Error& e) {
    if (e.kind() != ErrorKind::Conflict) throw;
    std::optional<json> now;
    ctx.asPerson(person, [&](Connection& c) { now = loadVisit(c, id); });
    json extra = json::object();
    if (now) extra["visit"] = *now;
    return errorResponse(409, e.detail().empty() ? "conflict" : e.detail(), extra);
  }
  if (used) return errorResponse(410, "link_used");
  if (!v) return errorResponse(404, "not_found");
  return jsonResponse(200, {{"visit", *v}});
}

HttpResponse photoAs(Context& ctx, std::int64_t person, const std::string& idText,
                     const std::optional<Uuid>& onlyVisit) {
  auto id = Uuid::parse(idText);
  if (!id) return errorResponse(404, "not_found");
  HttpResponse r;
  bool found = false;
  ctx.asPerson(person, [&](Connection& c) {
    auto rows = c.execPrepared(
        "portal_photo",
        "SELECT e.content_type, e.data FROM gh.evidence e JOIN gh.visit v ON v.id = e.visit_id "
        "WHERE e.id = $1 AND e.kind IN ('entry_photo', 'exit_photo') AND v.unit_id = "
        "gh.my_unit() "
        "AND ($2::uuid IS NULL OR v.id = $2::uuid)",
        {*id, onlyVisit});
    if (rows.empty()) return;
    found = true;
    auto type = rows[0].text("content_type");
    if (type != "image/jpeg" && type != "image/png" && type != "image/webp")
      type = "application/octet-stream";
    r.contentType = type;
    auto bytes = rows[0].bytes("data");
    r.body.assign(bytes.begin(), bytes.end());
  });
  if (!found) return errorResponse(404, "not_found");
  r.header("Cache-Control", "private, max-age=3600");
  return r;
}

namespace {

HttpResponse pending(Context& ctx, const Call& call) {
  json list = json::array();
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    auto rows =
        c.execPrepared("portal_pending", std::string(kVisitSelect) +
                                             " AND v.status = 'pending' ORDER BY v.requested_at");
    for (std::size_t i = 0; i < rows.size(); ++i) list.push_back(visitJson(rows[i]));
  });
  return jsonResponse(200, {{"visits", list}});
}

HttpResponse visitOne(Context& ctx, const Call& call) {
  auto id = Uuid::parse(call.param());
  if (!id) return errorResponse(404, "not_found");
  std::optional<json> v;
  ctx.asPerson(call.auth->personId, [&](Connection& c) { v = loadVisit(c, *id); });
  if (!v) return errorResponse(404, "not_found");
  return jsonResponse(200, {{"visit", *v}});
}

HttpResponse decide(Context& ctx, const Call& call) {
  auto id = Uuid::parse(call.param());
  const auto& body = call.body;
  if (!id || !body.contains("approve")) return errorResponse(404, "not_found");
  if (!body["approve"].is_boolean()) return badField("approve");
  return decideAs(ctx, call.auth->personId, *id, body["approve"].get<bool>(), "resident", {});
}

HttpResponse report(Context& ctx, const Call& call) {
  auto id = Uuid::parse(call.param());
  std::string reason;
  if (!readField(call.body, "reason", reason)) return badField("reason");
  reason = trim(reason);
  if (!id) return errorResponse(404, "not_found");
  if (reason.empty() || utf8Length(reason) > 500) return errorResponse(422, "reason");
  bool visible = false;
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    visible = loadVisit(c, *id).has_value();
    if (!visible) return;
    c.exec(
        "INSERT INTO gh.report (estate_id, visit_id, reporter_id, reason) "
        "VALUES (gh.my_estate(), $1, gh.current_person_id(), $2)",
        {*id, reason});
  });
  if (!visible) return errorResponse(404, "not_found");
  return jsonResponse(201, {{"status", "reported"}});
}

std::string isoTime(const backend::Row& r, const char* k) {
  auto v = r.optInt64(k);
  if (!v) return "";
  std::time_t t = *v / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return b;
}

std::string csvLine(const backend::Row& r) {
  return csvField(isoTime(r, "requested_ms")) + "," + csvField(r.text("visitor")) + "," +
         csvField(r.text("purpose")) + "," + csvField(r.text("status")) + "," +
         csvField(r.text("decided_by")) + "," + csvField(isoTime(r, "decided_ms")) + "," +
         csvField(r.text("channel")) + "," + csvField(isoTime(r, "entered_ms")) + "," +
         csvField(isoTime(r, "exited_ms")) + "," + csvField(r.text("kiosk")) + "\r\n";
}

HttpResponse csvResponse(const std::string& text) {
  HttpResponse r;
  r.contentType = "text/csv; charset=utf-8";
  r.body = "\xEF\xBB\xBF" + text;  // BOM so spreadsheets read UTF-8
  r.header("Content-Disposition", "attachment; filename=\"visits.csv\"");
  return r;
}

HttpResponse visitLog(Context& ctx, const Call& call, bool csv) {
  std::string from = call.req.queryParam("from"), to = call.req.queryParam("to");
  if ((!from.empty() && !isDate(from)) || (!to.empty() && !isDate(to)))
    return errorResponse(422, "date");
  json list = json::array();
  std::string out =
      "requested,visitor,purpose,status,decided_by,decided_at,channel,entered,exited,kiosk\r\n";
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    auto rows = c.execPrepared(
        "portal_log",
        std::string(kVisitSelect) +
            " AND v.requested_at >= coalesce(nullif($1, '')::date, (now() - interval '30 "
            "days')::date)::timestamp "
            "AT TIME ZONE (SELECT timezone FROM gh.estate WHERE id = gh.my_estate()) "
            " AND v.requested_at < (coalesce(nullif($2, '')::date, now()::date) + 1)::timestamp "
            "AT TIME ZONE (SELECT timezone FROM gh.estate WHERE id = gh.my_estate()) "
            " ORDER BY v.requested_at DESC LIMIT 1000",
        {from, to});
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (csv)
        out += csvLine(rows[i]);
      else
        list.push_back(visitJson(rows[i]));
    }
  });
  if (csv) return csvResponse(out);
  return jsonResponse(200, {{"visits", list}});
}

}  // namespace

void addVisitRoutes(RouteTable& t) {
  t.add("GET", "/api/visits/pending", Access::Resident, pending);
  t.add("GET", "/api/visits", Access::Resident,
        [](Context& ctx, const Call& c) { return visitLog(ctx, c, false); });
  t.add("GET", "/api/visits.csv", Access::Resident,
        [](Context& ctx, const Call& c) { return visitLog(ctx, c, true); });
  t.add("GET", "/api/visits/{id}", Access::Resident, visitOne);
  t.add("POST", "/api/visits/{id}/decide", Access::Resident, decide);
  t.add("POST", "/api/visits/{id}/report", Access::Resident, report);
  t.add("GET", "/api/photos/{id}", Access::Resident, [](Context& ctx, const Call& c) {
    return photoAs(ctx, c.auth->personId, c.param(), std::nullopt);
  });
}

}  // namespace gatehouse::portal
