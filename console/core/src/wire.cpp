// Staff API replies into model structs; a reply that breaks the contract is a clear error.
#include "gatehouse/console/wire.hpp"

#include <nlohmann/json.hpp>

#include "gatehouse/console/backend.hpp"

namespace gatehouse::console::wire {

using json = nlohmann::json;

std::int64_t toMs(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
TimePoint fromMs(std::int64_t ms) {
  return TimePoint{std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms))};
}

namespace {

[[noreturn]] void bad(const std::string& what) {
  throw BackendError(BackendErrorKind::Server, "bad_reply", what);
}

json parse(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) bad("the reply is not JSON");
  return j;
}

json parseArray(const std::string& body) {
  json j = parse(body);
  if (!j.is_array()) bad("the reply is not a JSON array");
  return j;
}

const json& member(const json& o, const char* key) {
  static const json null;
  if (!o.is_object()) bad("expected an object");
  auto it = o.find(key);
  return it == o.end() ? null : *it;
}

std::string str(const json& o, const char* key) {
  const json& v = member(o, key);
  if (v.is_null()) return {};
  if (!v.is_string()) bad(std::string("field ") + key + " is not a string");
  return v.get<std::string>();
}

std::optional<std::string> optStr(const json& o, const char* key) {
  if (member(o, key).is_null()) return std::nullopt;
  return str(o, key);
}

std::int64_t int64(const json& o, const char* key) {
  const json& v = member(o, key);
  if (!v.is_number_integer()) bad(std::string("field ") + key + " is not an integer");
  return v.get<std::int64_t>();
}

std::optional<std::int64_t> optInt64(const json& o, const char* key) {
  if (member(o, key).is_null()) return std::nullopt;
  return int64(o, key);
}

bool boolean(const json& o, const char* key) {
  const json& v = member(o, key);
  if (v.is_null()) return false;
  if (!v.is_boolean()) bad(std::string("field ") + key + " is not a boolean");
  return v.get<bool>();
}

std::optional<TimePoint> optTime(const json& o, const char* key) {
  if (auto ms = optInt64(o, key)) return fromMs(*ms);
  return std::nullopt;
}

TimePoint time(const json& o, const char* key) {
  auto t = optTime(o, key);
  if (!t) bad(std::string("field ") + key + " is missing");
  return *t;
}

Uuid uuid(const json& o, const char* key) {
  auto u = Uuid::parse(str(o, key));
  if (!u) bad(std::string("field ") + key + " is not a UUID");
  return *u;
}

std::optional<Uuid> optUuid(const json& o, const char* key) {
  if (member(o, key).is_null()) return std::nullopt;
  return uuid(o, key);
}

std::vector<std::string> strings(const json& o, const char* key) {
  std::vector<std::string> out;
  const json& v = member(o, key);
  if (v.is_null()) return out;
  if (!v.is_array()) bad(std::string("field ") + key + " is not an array");
  for (const auto& s : v) {
    if (!s.is_string()) bad(std::string("field ") + key + " holds a non-string");
    out.push_back(s.get<std::string>());
  }
  return out;
}

// A device's state from the heartbeat: "plugged", {"state": "unplugged"}, true/false.
std::string deviceState(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "ok" : "fault";
  if (v.is_object()) {
    for (const char* k : {"state", "status"})
      if (auto it = v.find(k); it != v.end() && it->is_string()) return it->get<std::string>();
    if (auto it = v.find("plugged"); it != v.end() && it->is_boolean())
      return it->get<bool>() ? "plugged" : "unplugged";
    if (auto it = v.find("ok"); it != v.end() && it->is_boolean())
      return it->get<bool>() ? "ok" : "fault";
  }
  return "unknown";
}

std::vector<std::pair<std::string, std::string>> devices(const json& o) {
  std::vector<std::pair<std::string, std::string>> out;
  const json& v = member(o, "devices");
  if (v.is_null()) return out;
  if (!v.is_object()) bad("field devices is not an object");
  for (const auto& [name, state] : v.items()) out.emplace_back(name, deviceState(state));
  return out;
}

AlertItem alertFrom(const json& a) {
  AlertItem out;
  out.id = int64(a, "id");
  out.kind = str(a, "kind");
  out.visitId = optUuid(a, "visit_id");
  out.kioskId = optInt64(a, "kiosk_id");
  out.kioskName = str(a, "kiosk_name");
  out.visitorName = str(a, "visitor_name");
  out.unitLabel = str(a, "unit_label");
  const json& d = member(a, "details");
  out.detailsJson = d.is_null() ? "{}" : d.dump();
  out.createdAt = time(a, "created_at_ms");
  out.acknowledgedBy = optStr(a, "acknowledged_by");
  out.acknowledgedAt = optTime(a, "acknowledged_at_ms");
  out.hasPhoto = boolean(a, "has_photo");
  out.summary = alertSummary(out.kind, out.detailsJson, out.visitorName, out.kioskName);
  return out;
}

std::string urlEncode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

Session parseSession(const std::string& body) {
  json j = parse(body);
  Session s;
  s.personId = int64(j, "person_id");
  s.estateId = int64(j, "estate_id");
  s.role = str(j, "role");
  s.fullName = str(j, "full_name");
  s.estateName = str(j, "estate_name");
  return s;
}

Session parseLogin(const std::string& body, std::string& csrf) {
  json j = parse(body);
  Session s;
  s.personId = int64(j, "id");
  s.fullName = str(j, "name");
  s.role = str(j, "role");
  if (auto e = optInt64(j, "estate_id")) s.estateId = *e;
  s.estateName = str(j, "estate");
  csrf = str(j, "csrf");
  if (csrf.empty()) bad("the sign-in reply has no csrf token");
  return s;
}

std::vector<KioskTile> parseKiosks(const std::string& body) {
  std::vector<KioskTile> out;
  for (const auto& k : parseArray(body)) {
    KioskTile t;
    t.id = int64(k, "id");
    t.name = str(k, "name");
    t.location = str(k, "location");
    t.lastHeartbeat = optTime(k, "last_heartbeat_ms");
    t.screen = str(k, "screen");
    t.faults = strings(k, "faults");
    t.outboxDepth = static_cast<int>(optInt64(k, "outbox_depth").value_or(0));
    t.version = str(k, "version");
    t.latestVisit = optUuid(k, "latest_visit");
    t.latestVisitor = str(k, "latest_visitor");
    t.latestPhotoId = optUuid(k, "latest_photo_id");
    t.devices = devices(k);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<PendingVisit> parseQueue(const std::string& body) {
  std::vector<PendingVisit> out;
  for (const auto& v : parseArray(body)) {
    PendingVisit p;
    p.id = uuid(v, "id");
    p.visitorName = str(v, "visitor_name");
    p.visitorPhone = str(v, "visitor_phone");
    p.unitLabel = str(v, "unit_label");
    p.hostPhones = strings(v, "host_phones");
    p.purpose = str(v, "purpose");
    p.kioskName = str(v, "kiosk_name");
    p.requestedAt = time(v, "requested_at_ms");
    p.held = boolean(v, "held");
    p.escalated = boolean(v, "escalated");
    p.hasPhoto = !member(v, "photo_id").is_null();
    out.push_back(std::move(p));
  }
  sortQueue(out);
  return out;
}

std::vector<AlertItem> parseAlerts(const std::string& body) {
  std::vector<AlertItem> out;
  for (const auto& a : parseArray(body)) out.push_back(alertFrom(a));
  return out;
}

std::vector<OnSiteVisitor> parseOnSite(const std::string& body) {
  std::vector<OnSiteVisitor> out;
  for (const auto& v : parseArray(body)) {
    OnSiteVisitor o;
    o.visitId = uuid(v, "visit_id");
    o.visitorName = str(v, "visitor_name");
    o.unitLabel = str(v, "unit_label");
    o.phone = str(v, "phone");
    o.kioskName = str(v, "kiosk_name");
    o.enteredAt = time(v, "entered_at_ms");
    o.expectedExitAt = optTime(v, "expected_exit_at_ms");
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<HistoryRow> parseHistory(const std::string& body) {
  std::vector<HistoryRow> out;
  for (const auto& v : parseArray(body)) {
    HistoryRow h;
    h.visitId = uuid(v, "visit_id");
    h.visitorName = str(v, "visitor_name");
    h.unitLabel = str(v, "unit_label");
    h.kioskName = str(v, "kiosk_name");
    h.status = str(v, "status");
    h.purpose = str(v, "purpose");
    h.requestedAt = time(v, "requested_at_ms");
    h.decidedAt = optTime(v, "decided_at_ms");
    h.enteredAt = optTime(v, "entered_at_ms");
    h.exitedAt = optTime(v, "exited_at_ms");
    h.decisionChannel = str(v, "decision_channel");
    h.decisionReason = str(v, "decision_reason");
    h.held = boolean(v, "held");
    h.escalated = boolean(v, "escalated");
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<UnitOption> parseUnits(const std::string& body) {
  std::vector<UnitOption> out;
  for (const auto& u : parseArray(body)) out.push_back({int64(u, "id"), str(u, "label")});
  return out;
}

std::vector<WatchlistEntry> parseWatchlist(const std::string& body) {
  std::vector<WatchlistEntry> out;
  for (const auto& w : parseArray(body)) {
    WatchlistEntry e;
    e.id = int64(w, "id");
    e.fullName = str(w, "full_name");
    e.nameKey = str(w, "name_key");
    e.hasDocument = boolean(w, "has_document");
    e.reason = str(w, "reason");
    e.addedBy = str(w, "added_by");
    e.active = boolean(w, "active");
    e.createdAt = time(w, "created_at_ms");
    e.hits = static_cast<int>(optInt64(w, "hits").value_or(0));
    out.push_back(std::move(e));
  }
  return out;
}

RetentionSettings parseRetention(const std::string& body) {
  json j = parse(body);
  RetentionSettings r;
  r.photosDays = static_cast<int>(int64(j, "photos_days"));
  r.idDataDays = static_cast<int>(int64(j, "id_data_days"));
  r.namesDays = static_cast<int>(int64(j, "names_days"));
  r.notificationsDays = static_cast<int>(int64(j, "notifications_days"));
  const json& holds = member(j, "legal_holds");
  if (!holds.is_null() && !holds.is_array()) bad("field legal_holds is not an array");
  if (holds.is_array()) {
    for (const auto& h : holds)
      r.legalHolds.push_back(
          {uuid(h, "visit_id"), str(h, "reason"), str(h, "placed_by"), time(h, "placed_at_ms")});
  }
  return r;
}

std::string retentionChange(const RetentionSettings& r) {
  return json{{"photos_days", r.photosDays},
              {"id_data_days", r.idDataDays},
              {"names_days", r.namesDays},
              {"notifications_days", r.notificationsDays}}
      .dump();
}

std::string historyQuery(const HistoryQuery& q) {
  std::string s = "limit=" + std::to_string(q.limit);
  auto add = [&](const char* k, const std::string& v) {
    if (!v.empty()) s += std::string("&") + k + "=" + urlEncode(v);
  };
  add("name", q.name);
  add("unit", q.unit);
  add("status", q.status);
  if (q.from) add("from_ms", std::to_string(toMs(*q.from)));
  if (q.to) add("to_ms", std::to_string(toMs(*q.to)));
  if (q.kioskId) add("kiosk_id", std::to_string(*q.kioskId));
  return s;
}

std::string alertSummary(const std::string& /*kind*/, const std::string& detailsJson,
                         const std::string& visitor, const std::string& kiosk) {
  json d = json::parse(detailsJson, nullptr, false);
  auto field = [&](const char* k) {
    return d.is_object() && d.contains(k) && d[k].is_string() ? d[k].get<std::string>()
                                                              : std::string();
  };
  // The UI puts tr("alert.kind.<kind>") before this: here only the names and the free text.
  std::string s = visitor.empty() ? field("name") : visitor;
  if (!kiosk.empty()) s += (s.empty() ? "" : " · ") + kiosk;
  for (const char* k : {"reason", "message"})
    if (auto r = field(k); !r.empty()) s += " (" + r + ")";
  return s;
}

}  // namespace gatehouse::console::wire
