// Guest pass links: signed tokens (HMAC, like magic links but their own domain) and the data of
// the page a guest opens with no sign-in.
#include "guest_pass.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "gatehouse/backend/guest_pass_client.hpp"
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
std::int64_t msOf(backend::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
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
  auto until = backend::GuestPassClient(c).linkExpiry(invitation);
  if (!until) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(until->time_since_epoch()).count();
}

std::optional<GuestContact> guestContact(backend::Connection& c, const Uuid& invitation) {
  return backend::GuestPassClient(c).contact(invitation);
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
  auto view = backend::GuestPassClient(c).view(invitation);
  if (!view) return {404, R"({"error":"invalid_link"})"};
  const auto& i = view->invitation;
  json j{{"state", i.state}, {"estate", view->estate}};
  if (i.state != "active") return {410, j.dump(-1, ' ', false, json::error_handler_t::replace)};
  auto text = passText();
  if (!text) return {410, json{{"state", "revoked"}, {"estate", view->estate}}.dump()};
  j["address"] = view->address;
  j["directions"] = view->directions;
  j["guest_name"] = i.guestName;
  j["kind"] = i.kind;
  j["event_name"] = i.eventName ? json(*i.eventName) : json(nullptr);
  j["weekdays"] = i.weekdays;
  j["day_start_min"] = i.dayStartMin;
  j["day_end_min"] = i.dayEndMin;
  j["max_uses"] = i.maxUses;
  j["valid_from_ms"] = msOf(i.validFrom);
  j["valid_until_ms"] = msOf(i.validUntil);
  j["date_from"] = i.dateFrom;
  j["date_until"] = i.dateUntil;
  j["qr_svg"] = qrSvg(*text, "Gatehouse pass");
  return {200, j.dump(-1, ' ', false, json::error_handler_t::replace)};
}

}  // namespace gatehouse::portal
