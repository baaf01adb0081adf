// Invitations resource: list, one (with its visits), create (single, recurring, event from a
// CSV of guests), the pass as a QR code, and revoke; all as the signed-in resident's unit.
#include "invitations.hpp"

#include <algorithm>
#include <regex>

#include "../route_table.hpp"
#include "gatehouse/backend/error.hpp"
#include "gatehouse/core/pass.hpp"
#include "gatehouse/core/signing_keys.hpp"
#include "visits.hpp"

namespace gatehouse::portal {

using backend::Connection;
using backend::ErrorKind;
using Access = RouteTable::Access;

namespace {

const char* const kInvitationSelect = R"(
SELECT i.id::text AS id, i.kind::text AS kind, i.event_name, i.guest_name, i.guest_phone,
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

json invitationJson(const backend::Row& r) {
  json j;
  j["id"] = r.text("id");
  j["kind"] = r.text("kind");
  j["event_name"] = r.optText("event_name") ? json(*r.optText("event_name")) : json(nullptr);
  j["guest_name"] = r.text("guest_name");
  j["guest_phone"] = r.optText("guest_phone") ? json(*r.optText("guest_phone")) : json(nullptr);
  for (const char* k : {"valid_from_ms", "valid_until_ms"}) j[k] = r.int64(k);
  j["date_from"] = r.text("date_from");
  j["date_until"] = r.text("date_until");
  for (const char* k : {"weekdays", "day_start_min", "day_end_min", "max_uses", "uses"})
    j[k] = r.int64(k);
  auto rv = r.optInt64("revoked_ms");
  j["revoked_ms"] = rv ? json(*rv) : json(nullptr);
  j["created_ms"] = r.int64("created_ms");
  j["state"] = r.text("state");
  j["timezone"] = r.text("timezone");
  return j;
}

json loadInvitation(Connection& c, const Uuid& id) {
  return invitationJson(c.exec(std::string(kInvitationSelect) + " AND i.id = $1", {id})[0]);
}

// "HH:MM" -> minutes, or -1.
int parseHm(const std::string& s) {
  static const std::regex re(R"(^(\d{1,2}):(\d{2})$)");
  std::smatch m;
  if (!std::regex_match(s, m, re)) return -1;
  int h = std::stoi(m[1]), mi = std::stoi(m[2]);
  if (h > 24 || mi > 59 || (h == 24 && mi != 0)) return -1;
  return h * 60 + mi;
}

// Minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF; ',' or ';'.
class CsvReader {
 public:
  std::vector<std::vector<std::string>> read(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (quoted_) {
        if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          field_ += '"';
          ++i;
        } else if (c == '"') {
          quoted_ = false;
        } else {
          field_ += c;
        }
      } else if (c == '"') {
        quoted_ = any_ = true;
      } else if (c == ',' || c == ';') {
        endField();
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        endRow();
      } else {
        field_ += c;
        any_ = true;
      }
    }
    endRow();
    return std::move(rows_);
  }

 private:
  void endField() {
    row_.push_back(trim(field_));
    field_.clear();
    any_ = true;
  }
  void endRow() {
    if (any_ || !field_.empty()) {
      row_.push_back(trim(field_));
      rows_.push_back(std::move(row_));
    }
    row_.clear();
    field_.clear();
    any_ = false;
  }
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::string> row_;
  std::string field_;
  bool quoted_ = false, any_ = false;
};

struct NewInvite {
  std::string kind, eventName, guest, phone, dateFrom, dateUntil;
  int weekdays = 127, start = 0, end = 1440, maxUses = 1;
};

// Validates; returns an error code or "".
std::string validate(NewInvite& n) {
  n.guest = trim(n.guest);
  n.phone = trim(n.phone);
  if (n.guest.empty()) return "guest_name_required";
  if (utf8Length(n.guest) > 64) return "guest_name_too_long";
  if (utf8Length(n.phone) > 40) return "guest_phone_too_long";
  if (utf8Length(n.eventName) > 100) return "event_name_too_long";
  if (!isDate(n.dateFrom) || !isDate(n.dateUntil) || n.dateUntil < n.dateFrom) return "dates";
  if (n.weekdays < 1 || n.weekdays > 127) return "weekdays";
  if (n.start < 0 || n.end > 1440 || n.start >= n.end) return "hours";
  if (n.maxUses < 0 || n.maxUses > 1000) return "max_uses";
  return "";
}

Uuid insertInvitation(Connection& c, const NewInvite& n) {
  Uuid id = Uuid::random();
  auto rows = c.exec(
      "INSERT INTO gh.invitation (id, estate_id, host_id, unit_id, kind, event_name, guest_name, "
      "guest_phone, "
      "  valid_from, valid_until, weekdays, day_start_min, day_end_min, max_uses, key_id) "
      "SELECT $1, e.id, gh.current_person_id(), gh.my_unit(), $2::gh.invitation_kind, nullif($3, "
      "''), $4, nullif($5, ''), "
      "  ($6::date)::timestamp AT TIME ZONE e.timezone, ($7::date + 1)::timestamp AT TIME ZONE "
      "e.timezone, "
      "  $8, $9, $10, $11, k.key_id "
      "FROM gh.estate e CROSS JOIN LATERAL (SELECT key_id FROM gh.estate_key WHERE estate_id = "
      "e.id AND active AND retired_at IS NULL AND revoked_at IS NULL "
      "  ORDER BY key_id DESC LIMIT 1) k WHERE e.id = gh.my_estate() "
      "  AND ($7::date + 1) > now()::date AND $7::date <= $6::date + 400 RETURNING id",
      {id, n.kind, n.eventName, n.guest, n.phone, n.dateFrom, n.dateUntil, n.weekdays, n.start,
       n.end, n.maxUses});
  if (rows.empty())
    throw backend::Error(ErrorKind::InvalidInput, "invitation not created", "", "dates_or_key");
  return id;
}

NewInvite inviteFromJson(const json& b) {
  NewInvite n;
  n.kind = b.value("kind", std::string("single"));
  n.eventName = trim(b.value("event_name", std::string()));
  n.guest = b.value("guest_name", std::string());
  n.phone = b.value("guest_phone", std::string());
  n.dateFrom = b.value("date_from", std::string());
  n.dateUntil = b.value("date_until", n.dateFrom);
  n.weekdays = b.value("weekdays", 127);
  n.start = parseHm(b.value("start", std::string("00:00")));
  n.end = parseHm(b.value("end", std::string("24:00")));
  n.maxUses = b.value("max_uses", n.kind == "recurring" ? 0 : 1);
  return n;
}

HttpResponse list(Context& ctx, const Call& call) {
  json out = json::array();
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    auto rows = c.exec(std::string(kInvitationSelect) + " ORDER BY i.created_at DESC LIMIT 500");
    for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(invitationJson(rows[i]));
  });
  return jsonResponse(200, {{"invitations", out}});
}

HttpResponse one(Context& ctx, const Call& call) {
  auto id = Uuid::parse(call.param());
  if (!id) return errorResponse(404, "not_found");
  json inv, visits = json::array();
  bool found = false;
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    auto rows = c.exec(std::string(kInvitationSelect) + " AND i.id = $1", {*id});
    if (rows.empty()) return;
    found = true;
    inv = invitationJson(rows[0]);
    auto vs =
        c.exec(std::string(kVisitSelect) + " AND v.invitation_id = $1 ORDER BY v.requested_at DESC",
               {*id});
    for (std::size_t i = 0; i < vs.size(); ++i) visits.push_back(visitJson(vs[i]));
  });
  if (!found) return errorResponse(404, "not_found");
  inv["visits"] = visits;
  return jsonResponse(200, {{"invitation", inv}});
}

HttpResponse create(Context& ctx, const Call& call) {
  NewInvite n;
  try {
    n = inviteFromJson(call.body);
  } catch (const json::exception&) {
    return errorResponse(422, "invalid_input");
  }
  if (n.kind != "single" && n.kind != "recurring") return errorResponse(422, "kind");
  if (n.kind == "single") {
    n.dateUntil = n.dateFrom;
    n.weekdays = 127;
  }
  if (auto err = validate(n); !err.empty()) return errorResponse(422, err);
  json inv;
  ctx.asPerson(call.auth->personId,
               [&](Connection& c) { inv = loadInvitation(c, insertInvitation(c, n)); });
  return jsonResponse(201, {{"invitation", inv}});
}

// Guest rows of an event's CSV (a header row "name"/"guest"/"guest_name" is skipped).
std::vector<std::vector<std::string>> guestRows(const std::string& csv) {
  auto rows = CsvReader().read(csv);
  if (!rows.empty() && !rows[0].empty()) {
    std::string h = rows[0][0];
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
    if (h == "name" || h == "guest" || h == "guest_name") rows.erase(rows.begin());
  }
  return rows;
}

HttpResponse createEvent(Context& ctx, const Call& call) {
  NewInvite base;
  std::string csv;
  try {
    base.eventName = trim(call.body.value("event_name", std::string()));
    base.dateFrom = base.dateUntil = call.body.value("date", std::string());
    csv = call.body.value("csv", std::string());
    base.start = parseHm(call.body.value("start", std::string("00:00")));
    base.end = parseHm(call.body.value("end", std::string("24:00")));
  } catch (const json::exception&) {
    return errorResponse(422, "invalid_input");
  }
  if (base.eventName.empty()) return errorResponse(422, "event_name_required");
  if (csv.size() > 256 * 1024) return errorResponse(422, "csv_too_large");
  auto rows = guestRows(csv);
  if (rows.empty()) return errorResponse(422, "csv_empty");
  if (rows.size() > 500) return errorResponse(422, "csv_too_many");
  std::vector<NewInvite> invites;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    NewInvite n = base;
    n.kind = "event";
    n.guest = rows[i].empty() ? "" : rows[i][0];
    n.phone = rows[i].size() > 1 ? rows[i][1] : "";
    if (auto err = validate(n); !err.empty()) return errorResponse(422, err, {{"line", i + 1}});
    invites.push_back(std::move(n));
  }
  json out = json::array();
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    for (auto& n : invites) out.push_back(loadInvitation(c, insertInvitation(c, n)));
  });
  return jsonResponse(201, {{"invitations", out}});
}

HttpResponse qr(Context& ctx, const Call& call) {
  auto id = Uuid::parse(call.param());
  if (!id) return errorResponse(404, "not_found");
  std::optional<std::string> text;
  ctx.asPerson(call.auth->personId, [&](Connection& c) { text = passText(ctx, c, *id); });
  if (!text) return errorResponse(404, "not_found");
  HttpResponse r;
  r.contentType = "image/svg+xml";
  r.body = qrSvg(*text, "Gatehouse pass");
  r.header("Cache-Control", "private, no-cache");
  r.header("Content-Security-Policy-Report-Only", "default-src 'none'");
  return r;
}

HttpResponse revoke(Context& ctx, const Call& call) {
  auto id = Uuid::parse(call.param());
  if (!id) return errorResponse(404, "not_found");
  std::optional<json> inv;
  bool already = false;
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    auto rows = c.exec(std::string(kInvitationSelect) + " AND i.id = $1", {*id});
    if (rows.empty()) return;
    if (!rows[0].isNull("revoked_ms")) {
      already = true;
      return;
    }
    c.exec(
        "UPDATE gh.invitation SET revoked_at = now() WHERE id = $1 AND unit_id = gh.my_unit() "
        "AND revoked_at IS NULL",
        {*id});
    inv = loadInvitation(c, *id);
  });
  if (already) return errorResponse(409, "already_revoked");
  if (!inv) return errorResponse(404, "not_found");
  return jsonResponse(200, {{"invitation", *inv}});
}

void wipe(SecretKey& k) {
  volatile std::uint8_t* p = k.data();
  for (std::size_t i = 0; i < k.size(); ++i) p[i] = 0;
}

}  // namespace

std::optional<std::string> passText(const Context& ctx, Connection& c, const Uuid& id) {
  auto rows = c.exec(
      "SELECT i.estate_id, i.key_id, extract(epoch FROM i.valid_from)::bigint AS vf, "
      "extract(epoch FROM i.valid_until)::bigint AS vu, i.weekdays, i.day_start_min, "
      "i.day_end_min, i.max_uses, "
      "i.guest_name, u.label "
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
  auto ring = loadSigningKeyFile(signingKeyFilePath(ctx.cfg.signingKeyFile));
  if (!ring) throw backend::Error(ErrorKind::Internal, ring.error().message);
  const SigningKey* sk = findSigningKey(*ring, p.estateId, p.keyId);
  if (!sk) throw backend::Error(ErrorKind::Internal, "no signing key for this pass on the server");
  SecretKey key = sk->secret;
  auto text = encodePass(p, key);
  wipe(key);
  return text;
}

void addInvitationRoutes(RouteTable& t) {
  t.add("GET", "/api/invitations", Access::Resident, list);
  t.add("POST", "/api/invitations", Access::Resident, create);
  t.add("POST", "/api/invitations/event", Access::Resident, createEvent);
  t.add("GET", "/api/invitations/{id}", Access::Resident, one);
  t.add("GET", "/api/invitations/{id}/qr.svg", Access::Resident, qr);
  t.add("POST", "/api/invitations/{id}/revoke", Access::Resident, revoke);
}

}  // namespace gatehouse::portal
