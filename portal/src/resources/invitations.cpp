// Invitations resource: list, one (with its visits), create (single, recurring, event from a
// CSV of guests), the pass as a QR code, and revoke; all as the signed-in resident's unit.
#include "invitations.hpp"

#include <algorithm>
#include <regex>

#include "../route_table.hpp"
#include "gatehouse/backend/error.hpp"
#include "gatehouse/backend/resident_client.hpp"
#include "gatehouse/core/pass.hpp"
#include "gatehouse/core/signing_keys.hpp"
#include "visits.hpp"

namespace gatehouse::portal {

using backend::Connection;
using backend::ErrorKind;
using backend::NewInvitation;
using backend::ResidentClient;
using backend::ResidentInvitation;
using Access = RouteTable::Access;

json invitationTermsJson(const ResidentInvitation& i) {
  return {{"kind", i.kind},
          {"event_name", orNull(i.eventName)},
          {"guest_name", i.guestName},
          {"valid_from_ms", msOf(i.validFrom)},
          {"valid_until_ms", msOf(i.validUntil)},
          {"date_from", i.dateFrom},
          {"date_until", i.dateUntil},
          {"weekdays", i.weekdays},
          {"day_start_min", i.dayStartMin},
          {"day_end_min", i.dayEndMin},
          {"max_uses", i.maxUses}};
}

json invitationJson(const ResidentInvitation& i) {
  json j = invitationTermsJson(i);
  j.update({{"id", i.id.toString()},
            {"guest_phone", orNull(i.guestPhone)},
            {"uses", i.uses},
            {"revoked_ms", msOrNull(i.revokedAt)},
            {"created_ms", msOf(i.createdAt)},
            {"state", i.state},
            {"timezone", i.timezone}});
  return j;
}

namespace {

// The invitation just written (it is the unit's, so it is there).
json loadInvitation(Connection& c, const Uuid& id) {
  auto i = ResidentClient(c).invitation(id);
  if (!i) throw backend::Error(ErrorKind::NotFound, "invitation vanished");
  return invitationJson(*i);
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

// Validates; returns an error code or "".
std::string validate(NewInvitation& n) {
  n.guestName = trim(n.guestName);
  n.guestPhone = trim(n.guestPhone);
  if (n.guestName.empty()) return "guest_name_required";
  if (utf8Length(n.guestName) > 64) return "guest_name_too_long";
  if (utf8Length(n.guestPhone) > 40) return "guest_phone_too_long";
  if (utf8Length(n.eventName) > 100) return "event_name_too_long";
  if (!isDate(n.dateFrom) || !isDate(n.dateUntil) || n.dateUntil < n.dateFrom) return "dates";
  if (n.weekdays < 1 || n.weekdays > 127) return "weekdays";
  if (n.dayStartMin < 0 || n.dayEndMin > 1440 || n.dayStartMin >= n.dayEndMin) return "hours";
  if (n.maxUses < 0 || n.maxUses > 1000) return "max_uses";
  return "";
}

NewInvitation inviteFromJson(const json& b) {
  NewInvitation n;
  n.kind = b.value("kind", std::string("single"));
  n.eventName = trim(b.value("event_name", std::string()));
  n.guestName = b.value("guest_name", std::string());
  n.guestPhone = b.value("guest_phone", std::string());
  n.dateFrom = b.value("date_from", std::string());
  n.dateUntil = b.value("date_until", n.dateFrom);
  n.weekdays = b.value("weekdays", 127);
  n.dayStartMin = parseHm(b.value("start", std::string("00:00")));
  n.dayEndMin = parseHm(b.value("end", std::string("24:00")));
  n.maxUses = b.value("max_uses", n.kind == "recurring" ? 0 : 1);
  return n;
}

HttpResponse list(Context& ctx, const Call& call) {
  json out = json::array();
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    for (const auto& i : ResidentClient(c).invitations()) out.push_back(invitationJson(i));
  });
  return jsonResponse(200, {{"invitations", out}});
}

HttpResponse one(Context& ctx, const Call& call) {
  auto id = Uuid::parse(call.param());
  if (!id) return errorResponse(404, "not_found");
  json inv, visits = json::array();
  bool found = false;
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    ResidentClient resident(c);
    auto i = resident.invitation(*id);
    if (!i) return;
    found = true;
    inv = invitationJson(*i);
    for (const auto& v : resident.visitsOfInvitation(*id)) visits.push_back(visitJson(v));
  });
  if (!found) return errorResponse(404, "not_found");
  inv["visits"] = visits;
  return jsonResponse(200, {{"invitation", inv}});
}

HttpResponse create(Context& ctx, const Call& call) {
  NewInvitation n;
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
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    inv = loadInvitation(c, ResidentClient(c).createInvitation(n));
  });
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
  NewInvitation base;
  std::string csv;
  try {
    base.eventName = trim(call.body.value("event_name", std::string()));
    base.dateFrom = base.dateUntil = call.body.value("date", std::string());
    csv = call.body.value("csv", std::string());
    base.dayStartMin = parseHm(call.body.value("start", std::string("00:00")));
    base.dayEndMin = parseHm(call.body.value("end", std::string("24:00")));
  } catch (const json::exception&) {
    return errorResponse(422, "invalid_input");
  }
  if (base.eventName.empty()) return errorResponse(422, "event_name_required");
  if (csv.size() > 256 * 1024) return errorResponse(422, "csv_too_large");
  auto rows = guestRows(csv);
  if (rows.empty()) return errorResponse(422, "csv_empty");
  if (rows.size() > 500) return errorResponse(422, "csv_too_many");
  std::vector<NewInvitation> invites;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    NewInvitation n = base;
    n.kind = "event";
    n.guestName = rows[i].empty() ? "" : rows[i][0];
    n.guestPhone = rows[i].size() > 1 ? rows[i][1] : "";
    if (auto err = validate(n); !err.empty()) return errorResponse(422, err, {{"line", i + 1}});
    invites.push_back(std::move(n));
  }
  json out = json::array();
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    ResidentClient resident(c);
    for (auto& n : invites) out.push_back(loadInvitation(c, resident.createInvitation(n)));
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
  r.header("Cache-Control", "no-store");  // the pass lets its holder in: no cached copy
  r.header("Content-Security-Policy-Report-Only", "default-src 'none'");
  return r;
}

HttpResponse revoke(Context& ctx, const Call& call) {
  auto id = Uuid::parse(call.param());
  if (!id) return errorResponse(404, "not_found");
  std::optional<json> inv;
  auto result = backend::RevokeResult::NotFound;
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    result = ResidentClient(c).revokeInvitation(*id);
    if (result == backend::RevokeResult::Revoked) inv = loadInvitation(c, *id);
  });
  bool already = result == backend::RevokeResult::AlreadyRevoked;
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
  auto fields = ResidentClient(c).passFields(id);
  if (!fields) return std::nullopt;
  const InvitationPass& p = *fields;
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
