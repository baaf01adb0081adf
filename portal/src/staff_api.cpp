// Staff routes: JSON in and out of backend::StaffClient, one short handler per route.
#include "staff_api.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>

#include "gatehouse/backend/error.hpp"
#include "gatehouse/backend/staff_client.hpp"
#include "json_out.hpp"
#include "staff_admin.hpp"

namespace gatehouse::portal {

using backend::StaffClient;
using backend::TimePoint;

namespace {

HttpResponse reply(const json& body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.body = dumpJson(body);
  return r;
}

json objectOr(const std::string& jsonText) {
  auto j = json::parse(jsonText, nullptr, false);
  return j.is_object() ? j : json::object();
}

StaffClient client(const StaffRequest& r) { return StaffClient(r.db, r.personId); }

// --- request fields ---------------------------------------------------------------------------
[[noreturn]] void notFound() { throw backend::Error(backend::ErrorKind::NotFound, "not found"); }

Uuid uuidAt(const StaffRequest& r, std::size_t i) {
  auto u = Uuid::parse(r.params.at(i));
  if (!u) notFound();
  return *u;
}
std::int64_t idAt(const StaffRequest& r, std::size_t i) {
  const auto& s = r.params.at(i);
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    notFound();
  return std::stoll(s);
}
const json* field(const json& body, const char* name) {
  auto it = body.find(name);
  return it == body.end() || it->is_null() ? nullptr : &*it;
}
std::string needString(const json& body, const char* name) {
  const json* v = field(body, name);
  if (!v || !v->is_string()) throw BadField{name};
  return v->get<std::string>();
}
std::string optString(const json& body, const char* name) {
  const json* v = field(body, name);
  if (!v) return {};
  if (!v->is_string()) throw BadField{name};
  return v->get<std::string>();
}
bool needBool(const json& body, const char* name) {
  const json* v = field(body, name);
  if (!v || !v->is_boolean()) throw BadField{name};
  return v->get<bool>();
}
std::int64_t needInt(const json& body, const char* name) {
  const json* v = field(body, name);
  if (!v || !v->is_number_integer()) throw BadField{name};
  return v->get<std::int64_t>();
}
Uuid needUuid(const json& body, const char* name) {
  auto u = Uuid::parse(needString(body, name));
  if (!u) throw BadField{name};
  return *u;
}
std::optional<std::int64_t> queryInt(const StaffRequest& r, const char* name) {
  auto s = r.req.queryParam(name);
  if (s.empty()) return std::nullopt;
  std::size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != s.size()) throw BadField{name};
  return v;
}

// --- rows as JSON ------------------------------------------------------------------------------
json alertJson(const backend::AlertRow& a) {
  return {{"id", a.id},
          {"kind", a.kind},
          {"visit_id", orNull(a.visitId)},
          {"kiosk_id", orNull(a.kioskId)},
          {"kiosk_name", a.kioskName},
          {"visitor_name", a.visitorName},
          {"unit_label", a.unitLabel},
          {"details", objectOr(a.detailsJson)},
          {"created_at_ms", msOf(a.createdAt)},
          {"acknowledged_by", orNull(a.acknowledgedBy)},
          {"acknowledged_at_ms", msOrNull(a.acknowledgedAt)},
          {"has_photo", a.hasPhoto}};
}
HttpResponse alertsReply(const std::vector<backend::AlertRow>& rows) {
  json out = json::array();
  for (const auto& a : rows) out.push_back(alertJson(a));
  return reply(out);
}
// A face is personal data: no HTTP cache on a guard PC keeps it (the console holds its own, in
// memory).
HttpResponse photoReply(const backend::StoredPhoto& p) {
  if (p.empty()) notFound();
  HttpResponse r;
  r.contentType = p.contentType.empty() ? "image/jpeg" : p.contentType;
  r.body.assign(p.data.begin(), p.data.end());
  r.header("Cache-Control", "no-store");
  return r;
}

// --- handlers ------------------------------------------------------------------------------------
HttpResponse session(const StaffRequest& r) {
  auto s = client(r).session();
  return reply({{"person_id", s.personId},
                {"estate_id", s.estateId},
                {"role", s.role},
                {"full_name", s.fullName},
                {"estate_name", s.estateName}});
}

HttpResponse kiosks(const StaffRequest& r) {
  json out = json::array();
  for (const auto& k : client(r).kiosks()) {
    out.push_back({{"id", k.id},
                   {"name", k.name},
                   {"location", k.location},
                   {"last_heartbeat_ms", msOrNull(k.lastHeartbeat)},
                   {"screen", k.screen},
                   {"faults", k.faults},
                   {"outbox_depth", k.outboxDepth},
                   {"version", k.version},
                   {"latest_visit", orNull(k.latestVisit)},
                   {"latest_visitor", k.latestVisitor},
                   {"latest_photo_id", orNull(k.latestPhotoId)},
                   {"devices", objectOr(k.devicesJson)}});
  }
  return reply(out);
}

HttpResponse queue(const StaffRequest& r) {
  json out = json::array();
  for (const auto& q : client(r).queue()) {
    out.push_back({{"id", q.id.toString()},
                   {"visitor_name", q.visitorName},
                   {"visitor_phone", q.visitorPhone},
                   {"unit_label", q.unitLabel},
                   {"host_phones", q.hostPhones},
                   {"purpose", q.purpose},
                   {"kiosk_name", q.kioskName},
                   {"requested_at_ms", msOf(q.requestedAt)},
                   {"held", q.held},
                   {"escalated", q.escalated},
                   {"photo_id", orNull(q.photoId)}});
  }
  return reply(out);
}

HttpResponse alerts(const StaffRequest& r) {
  auto state = r.req.queryParam("state");
  if (state.empty() || state == "open") return alertsReply(client(r).openAlerts());
  if (state != "acknowledged") throw BadField{"state"};
  auto limit = queryInt(r, "limit").value_or(20);
  if (limit < 1 || limit > 200) throw BadField{"limit"};
  return alertsReply(client(r).recentAcknowledged(static_cast<int>(limit)));
}

HttpResponse onsite(const StaffRequest& r) {
  json out = json::array();
  for (const auto& o : client(r).onSite()) {
    out.push_back({{"visit_id", o.visitId.toString()},
                   {"visitor_name", o.visitorName},
                   {"unit_label", o.unitLabel},
                   {"phone", o.phone},
                   {"kiosk_name", o.kioskName},
                   {"entered_at_ms", msOf(o.enteredAt)},
                   {"expected_exit_at_ms", msOrNull(o.expectedExitAt)},
                   {"photo_id", orNull(o.photoId)}});
  }
  return reply(out);
}

HttpResponse history(const StaffRequest& r) {
  backend::HistoryFilter f;
  f.name = r.req.queryParam("name");
  f.unit = r.req.queryParam("unit");
  if (auto v = queryInt(r, "from_ms")) f.from = TimePoint{std::chrono::milliseconds(*v)};
  if (auto v = queryInt(r, "to_ms")) f.to = TimePoint{std::chrono::milliseconds(*v)};
  f.kioskId = queryInt(r, "kiosk_id");
  f.status = r.req.queryParam("status");
  static const std::vector<std::string> statuses{
      "", "pending", "approved", "denied", "expired", "cancelled", "checked_in", "checked_out"};
  if (std::find(statuses.begin(), statuses.end(), f.status) == statuses.end())
    throw BadField{"status"};
  auto limit = queryInt(r, "limit").value_or(100);
  if (limit < 1 || limit > 1000) throw BadField{"limit"};
  f.limit = static_cast<int>(limit);
  json out = json::array();
  for (const auto& h : client(r).history(f)) {
    out.push_back({{"visit_id", h.visitId.toString()},
                   {"visitor_name", h.visitorName},
                   {"unit_label", h.unitLabel},
                   {"kiosk_name", h.kioskName},
                   {"status", h.status},
                   {"purpose", h.purpose},
                   {"requested_at_ms", msOf(h.requestedAt)},
                   {"decided_at_ms", msOrNull(h.decidedAt)},
                   {"entered_at_ms", msOrNull(h.enteredAt)},
                   {"exited_at_ms", msOrNull(h.exitedAt)},
                   {"decision_channel", h.decisionChannel},
                   {"decision_reason", h.decisionReason},
                   {"held", h.held},
                   {"escalated", h.escalated}});
  }
  return reply(out);
}

HttpResponse visitPhoto(const StaffRequest& r) {
  return photoReply(client(r).visitPhoto(uuidAt(r, 0)));
}
HttpResponse alertPhoto(const StaffRequest& r) {
  return photoReply(client(r).alertPhoto(idAt(r, 0)));
}
HttpResponse evidencePhoto(const StaffRequest& r) {
  return photoReply(client(r).evidencePhoto(uuidAt(r, 0)));
}

HttpResponse units(const StaffRequest& r) {
  json out = json::array();
  for (const auto& u : client(r).units()) out.push_back({{"id", u.id}, {"label", u.label}});
  return reply(out);
}

HttpResponse decide(const StaffRequest& r) {
  const bool approve = needBool(r.body, "approve");
  const auto reason = needString(r.body, "reason");
  return reply({{"status", client(r).decide(uuidAt(r, 0), approve, reason)}});
}

HttpResponse cancel(const StaffRequest& r) {
  client(r).cancel(uuidAt(r, 0));
  return reply({{"status", "cancelled"}});
}

std::string decodeBase64(const std::string& text) {
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), "\r\n", &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    throw BadField{"photo_base64"};
  out.resize(len);
  return out;
}

HttpResponse manualEntry(const StaffRequest& r) {
  backend::ManualEntryRequest m;
  m.visitId = needUuid(r.body, "visit_id");
  m.unitId = needInt(r.body, "unit_id");
  m.name = needString(r.body, "name");
  m.phone = optString(r.body, "phone");
  m.purpose = optString(r.body, "purpose");
  m.reason = needString(r.body, "reason");
  if (auto photo = optString(r.body, "photo_base64"); !photo.empty()) {
    auto bytes = decodeBase64(photo);
    m.photo.data.assign(bytes.begin(), bytes.end());
    m.photo.contentType = optString(r.body, "photo_type");
    if (m.photo.contentType.empty()) m.photo.contentType = "image/jpeg";
    if (m.photo.contentType != "image/jpeg" && m.photo.contentType != "image/png")
      throw BadField{"photo_type"};
  }
  return reply({{"expected_exit_at_ms", msOf(client(r).manualEntry(m))}});
}

HttpResponse manualExit(const StaffRequest& r) {
  const auto reason = needString(r.body, "reason");
  client(r).manualExit(uuidAt(r, 0), reason);
  return reply({{"status", "exited"}});
}

HttpResponse acknowledge(const StaffRequest& r) {
  const json* ids = field(r.body, "ids");
  if (!ids || !ids->is_array() || ids->empty() || ids->size() > 500) throw BadField{"ids"};
  std::vector<std::int64_t> list;
  for (const auto& v : *ids) {
    if (!v.is_number_integer()) throw BadField{"ids"};
    list.push_back(v.get<std::int64_t>());
  }
  const int n = client(r).acknowledge(list);
  if (n == 0) notFound();  // none of them open in this estate
  return reply({{"acknowledged", n}});
}

HttpResponse watchlist(const StaffRequest& r) {
  json out = json::array();
  for (const auto& w : client(r).watchlist()) {
    out.push_back({{"id", w.id},
                   {"full_name", w.fullName},
                   {"name_key", w.nameKey},
                   {"has_document", w.hasDocument},
                   {"reason", w.reason},
                   {"added_by", w.addedBy},
                   {"active", w.active},
                   {"created_at_ms", msOf(w.createdAt)},
                   {"hits", w.hits}});
  }
  return reply(out);
}

HttpResponse watchlistAdd(const StaffRequest& r) {
  const auto name = needString(r.body, "name");
  const auto reason = needString(r.body, "reason");
  return reply({{"id", client(r).watchlistAdd(name, reason)}});
}

HttpResponse watchlistFromVisit(const StaffRequest& r) {
  const auto visit = needUuid(r.body, "visit_id");
  const auto reason = needString(r.body, "reason");
  return reply({{"id", client(r).watchlistAddFromVisit(visit, reason)}});
}

HttpResponse watchlistActive(const StaffRequest& r) {
  const auto id = idAt(r, 0);
  const bool active = needBool(r.body, "active");
  client(r).watchlistSetActive(id, active);
  return reply({{"id", id}, {"active", active}});
}

HttpResponse watchlistHits(const StaffRequest& r) {
  return alertsReply(client(r).watchlistHits(idAt(r, 0)));
}

HttpResponse openGate(const StaffRequest& r) {
  const auto kiosk = idAt(r, 0);
  const auto direction = needString(r.body, "direction");
  if (direction != "entry" && direction != "exit") throw BadField{"direction"};
  const auto reason = needString(r.body, "reason");
  return reply({{"command_id", client(r).openGate(kiosk, direction, reason).toString()}});
}

}  // namespace

const std::vector<StaffRoute>& staffRoutes() {
  static const std::vector<StaffRoute> routes{
      {"GET", "/api/staff/session", false, session},
      {"GET", "/api/staff/kiosks", false, kiosks},
      {"GET", "/api/staff/queue", false, queue},
      {"GET", "/api/staff/alerts", false, alerts},
      {"GET", "/api/staff/onsite", false, onsite},
      {"GET", "/api/staff/history", false, history},
      {"GET", "/api/staff/visits/{id}/photo", false, visitPhoto},
      {"GET", "/api/staff/evidence/{id}/photo", false, evidencePhoto},
      {"GET", "/api/staff/alerts/{id}/photo", false, alertPhoto},
      {"GET", "/api/staff/units", false, units},
      {"POST", "/api/staff/visits/manual-entry", false, manualEntry},
      {"POST", "/api/staff/visits/{id}/decide", false, decide},
      {"POST", "/api/staff/visits/{id}/cancel", false, cancel},
      {"POST", "/api/staff/visits/{id}/manual-exit", false, manualExit},
      {"POST", "/api/staff/alerts/ack", false, acknowledge},
      {"GET", "/api/staff/watchlist", true, watchlist},
      {"POST", "/api/staff/watchlist", true, watchlistAdd},
      {"POST", "/api/staff/watchlist/from-visit", true, watchlistFromVisit},
      {"POST", "/api/staff/watchlist/{id}/active", true, watchlistActive},
      {"GET", "/api/staff/watchlist/{id}/hits", true, watchlistHits},
      {"POST", "/api/staff/kiosks/{id}/open-gate", false, openGate},
      {"GET", "/api/staff/retention", true, staffRetentionGet},
      {"POST", "/api/staff/retention", true, staffRetentionSet},
  };
  return routes;
}

HttpResponse runStaffHandler(const StaffRoute& route, const StaffRequest& request) {
  try {
    return route.handler(request);
  } catch (const BadField& f) {
    return reply({{"error", "bad_field"}, {"field", f.field}}, 400);
  }
}

}  // namespace gatehouse::portal
