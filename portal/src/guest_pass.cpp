// Guest pass links: signed tokens (HMAC, like magic links but their own domain) and the data of
// the page a guest opens with no sign-in.
#include "guest_pass.hpp"

#include <nlohmann/json.hpp>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/core/base64url.hpp"
#include "internal.hpp"

namespace gatehouse::portal {

using json = nlohmann::json;

namespace {
std::string b64(std::string_view s) {
  return base64urlEncode(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}
std::string mac(std::string_view key, std::string_view payload) {
  std::string msg = "guest|";
  msg += payload;
  return hmacSha256Hex(key, msg);
}
}  // namespace

std::string makeGuestToken(std::string_view key, const GuestClaim& c) {
  std::string payload = "g1|" + c.invitationId.toString() + "|" + std::to_string(c.hostId) + "|" +
                        std::to_string(c.expires);
  return b64(payload) + "." + b64(mac(key, payload));
}

Result<GuestClaim> readGuestToken(std::string_view key, std::string_view token,
                                  std::int64_t nowUnix) {
  if (token.size() > 300) return makeError("malformed", "too long");
  auto dot = token.find('.');
  if (dot == std::string_view::npos) return makeError("malformed", "no signature");
  auto p = base64urlDecode(token.substr(0, dot));
  auto m = base64urlDecode(token.substr(dot + 1));
  if (!p || !m) return makeError("malformed", "not base64url");
  std::string payload(p->begin(), p->end());
  if (!constantTimeEqual(std::string(m->begin(), m->end()), mac(key, payload)))
    return makeError("bad_signature", "signature");
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto bar = payload.find('|', start);
    parts.push_back(payload.substr(start, bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  if (parts.size() != 4 || parts[0] != "g1") return makeError("malformed", "fields");
  GuestClaim c;
  auto id = Uuid::parse(parts[1]);
  if (!id) return makeError("malformed", "invitation");
  c.invitationId = *id;
  try {
    c.hostId = std::stoll(parts[2]);
    c.expires = std::stoll(parts[3]);
  } catch (const std::exception&) {
    return makeError("malformed", "numbers");
  }
  if (nowUnix >= c.expires) return makeError("expired", "link expired");
  return c;
}

std::optional<std::int64_t> guestLinkExpiry(backend::Connection& c, const Uuid& invitation) {
  auto rows = c.exec(
      "SELECT extract(epoch FROM valid_until)::bigint AS vu FROM gh.invitation "
      "WHERE id = $1 AND unit_id = gh.my_unit() AND revoked_at IS NULL",
      {invitation});
  if (rows.empty()) return std::nullopt;
  return rows[0].int64("vu");
}

std::optional<GuestContact> guestContact(backend::Connection& c, const Uuid& invitation) {
  auto rows = c.exec(
      "SELECT i.guest_phone, i.guest_name, e.name AS estate FROM gh.invitation i "
      "JOIN gh.estate e ON e.id = i.estate_id WHERE i.id = $1 AND i.unit_id = gh.my_unit() "
      "AND i.revoked_at IS NULL AND i.valid_until > now() AND coalesce(i.guest_phone, '') <> ''",
      {invitation});
  if (rows.empty()) return std::nullopt;
  return GuestContact{rows[0].text("guest_phone"), rows[0].text("guest_name"),
                      rows[0].text("estate")};
}

std::string guestSmsBody(const GuestContact& who, const Uuid& invitation, const std::string& url) {
  json j{{"kind", "guest_pass_sms"},
         {"to", who.phone},
         {"invitation", invitation.toString()},
         {"text", "Your pass for " + who.estate + ", " + who.guestName +
                      ": open it and show the code at the gate. " + url}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

GuestReply guestView(backend::Connection& c, const Uuid& invitation,
                     const std::function<std::optional<std::string>()>& passText) {
  auto rows = c.exec(
      "SELECT i.kind::text AS kind, i.event_name, i.guest_name, i.weekdays, i.day_start_min, "
      "i.day_end_min, i.max_uses, "
      "(extract(epoch FROM i.valid_from) * 1000)::bigint AS valid_from_ms, "
      "(extract(epoch FROM i.valid_until) * 1000)::bigint AS valid_until_ms, "
      "to_char(i.valid_from AT TIME ZONE e.timezone, 'YYYY-MM-DD') AS date_from, "
      "to_char((i.valid_until - interval '1 second') AT TIME ZONE e.timezone, 'YYYY-MM-DD') AS "
      "date_until, e.name AS estate, e.guest_address, e.guest_directions, "
      "CASE WHEN i.revoked_at IS NOT NULL THEN 'revoked' WHEN i.valid_until <= now() THEN "
      "'expired' WHEN i.max_uses > 0 AND i.uses >= i.max_uses THEN 'used_up' ELSE 'active' END "
      "AS state "
      "FROM gh.invitation i JOIN gh.estate e ON e.id = i.estate_id "
      "WHERE i.id = $1 AND i.unit_id = gh.my_unit()",
      {invitation});
  if (rows.empty()) return {404, R"({"error":"invalid_link"})"};
  auto r = rows[0];
  auto state = r.text("state");
  json j{{"state", state}, {"estate", r.text("estate")}};
  if (state != "active") return {410, j.dump(-1, ' ', false, json::error_handler_t::replace)};
  auto text = passText();
  if (!text) return {410, json{{"state", "revoked"}, {"estate", r.text("estate")}}.dump()};
  j["address"] = r.text("guest_address");
  j["directions"] = r.text("guest_directions");
  j["guest_name"] = r.text("guest_name");
  j["kind"] = r.text("kind");
  j["event_name"] = r.optText("event_name") ? json(*r.optText("event_name")) : json(nullptr);
  for (const char* k :
       {"weekdays", "day_start_min", "day_end_min", "max_uses", "valid_from_ms", "valid_until_ms"})
    j[k] = r.int64(k);
  j["date_from"] = r.text("date_from");
  j["date_until"] = r.text("date_until");
  j["qr_svg"] = qrSvg(*text, "Gatehouse pass");
  return {200, j.dump(-1, ' ', false, json::error_handler_t::replace)};
}

}  // namespace gatehouse::portal
