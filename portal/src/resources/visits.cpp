// Visits resource: pending requests, the visit log (JSON and CSV), one visit, deciding,
// reporting and visit photos, all as the signed-in resident's unit.
#include "visits.hpp"

#include <ctime>

#include "../route_table.hpp"
#include "gatehouse/backend/error.hpp"
#include "gatehouse/backend/resident_client.hpp"

namespace gatehouse::portal {

using backend::Connection;
using backend::ErrorKind;
using backend::ResidentClient;
using backend::ResidentVisit;
using backend::TimePoint;
using Access = RouteTable::Access;

json visitJson(const ResidentVisit& v) {
  json photos = json::array();
  for (const auto& p : v.photos) photos.push_back({{"id", p.id.toString()}, {"kind", p.kind}});
  return {{"id", v.id.toString()},
          {"status", v.status},
          {"held", v.held},
          {"escalated", v.escalated},
          {"purpose", v.purpose},
          {"visitor", v.visitor},
          {"unit", v.unitLabel},
          {"kiosk", orNull(v.kiosk)},
          {"decided_by", orNull(v.decidedBy)},
          {"decided_by_role", orNull(v.decidedByRole)},
          {"channel", orNull(v.channel)},
          {"reason", orNull(v.reason)},
          {"invitation", orNull(v.invitation)},
          {"requested_ms", msOf(v.requestedAt)},
          {"decided_ms", msOrNull(v.decidedAt)},
          {"entered_ms", msOrNull(v.enteredAt)},
          {"exited_ms", msOrNull(v.exitedAt)},
          {"waiting_s", (msOf(v.readAt) - msOf(v.requestedAt)) / 1000},
          {"photos", photos}};
}

std::optional<json> loadVisit(Connection& c, const Uuid& id) {
  auto v = ResidentClient(c).visit(id);
  if (!v) return std::nullopt;
  return visitJson(*v);
}

HttpResponse decideAs(Context& ctx, std::int64_t person, const Uuid& id, bool approve,
                      const std::string& channel, const std::string& nonce) {
  backend::Decision d;
  try {
    ctx.asPerson(person,
                 [&](Connection& c) { d = ResidentClient(c).decide(id, approve, channel, nonce); });
  } catch (const backend::Error& e) {
    if (e.kind() != ErrorKind::Conflict) throw;
    std::optional<json> now;
    ctx.asPerson(person, [&](Connection& c) { now = loadVisit(c, id); });
    json extra = json::object();
    if (now) extra["visit"] = *now;
    return errorResponse(409, e.detail().empty() ? "conflict" : e.detail(), extra);
  }
  if (d.linkUsed) return errorResponse(410, "link_used");
  if (!d.visit) return errorResponse(404, "not_found");
  return jsonResponse(200, {{"visit", visitJson(*d.visit)}});
}

HttpResponse photoAs(Context& ctx, std::int64_t person, const std::string& idText,
                     const std::optional<Uuid>& onlyVisit) {
  auto id = Uuid::parse(idText);
  if (!id) return errorResponse(404, "not_found");
  std::optional<backend::StoredPhoto> photo;
  ctx.asPerson(person, [&](Connection& c) { photo = ResidentClient(c).photo(*id, onlyVisit); });
  if (!photo) return errorResponse(404, "not_found");
  HttpResponse r;
  auto type = photo->contentType;
  if (type != "image/jpeg" && type != "image/png" && type != "image/webp")
    type = "application/octet-stream";
  r.contentType = type;
  r.body.assign(photo->data.begin(), photo->data.end());
  // A visitor's face on a shared family phone: no browser cache keeps a copy.
  r.header("Cache-Control", "no-store");
  return r;
}

namespace {

HttpResponse pending(Context& ctx, const Call& call) {
  json list = json::array();
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    for (const auto& v : ResidentClient(c).pendingVisits()) list.push_back(visitJson(v));
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
    ResidentClient(c).report(*id, reason);
  });
  if (!visible) return errorResponse(404, "not_found");
  return jsonResponse(201, {{"status", "reported"}});
}

std::string isoTime(const std::optional<TimePoint>& v) {
  if (!v) return "";
  std::time_t t = msOf(*v) / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return b;
}

std::string csvLine(const ResidentVisit& v) {
  return csvField(isoTime(v.requestedAt)) + "," + csvField(v.visitor) + "," + csvField(v.purpose) +
         "," + csvField(v.status) + "," + csvField(v.decidedBy.value_or("")) + "," +
         csvField(isoTime(v.decidedAt)) + "," + csvField(v.channel.value_or("")) + "," +
         csvField(isoTime(v.enteredAt)) + "," + csvField(isoTime(v.exitedAt)) + "," +
         csvField(v.kiosk.value_or("")) + "\r\n";
}

HttpResponse csvResponse(const std::string& text) {
  HttpResponse r;
  r.contentType = "text/csv; charset=utf-8";
  r.body = "\xEF\xBB\xBF" + text;  // BOM so spreadsheets read UTF-8
  r.header("Content-Disposition", "attachment; filename=\"visits.csv\"");
  r.header("Cache-Control", "no-store");
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
    for (const auto& v : ResidentClient(c).visitLog({from, to})) {
      if (csv)
        out += csvLine(v);
      else
        list.push_back(visitJson(v));
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
