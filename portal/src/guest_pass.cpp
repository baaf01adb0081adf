// Guest pass links: signed tokens (HMAC, like magic links but their own domain) and the data of
// the page a guest opens with no sign-in.
#include "guest_pass.hpp"

#include <chrono>

#include "gatehouse/backend/guest_pass_client.hpp"
#include "gatehouse/core/base64url.hpp"
#include "internal.hpp"
#include "json_out.hpp"
#include "resources/invitations.hpp"

namespace gatehouse::portal {

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
  return dumpJson(j);
}

json guestPageJson(const backend::GuestPassView& view, const std::string& qrSvg) {
  json j = invitationTermsJson(view.invitation);
  j.update({{"state", view.invitation.state},
            {"estate", view.estate},
            {"address", view.address},
            {"directions", view.directions},
            {"qr_svg", qrSvg}});
  return j;
}

GuestReply guestView(backend::Connection& c, const Uuid& invitation,
                     const std::function<std::optional<std::string>()>& passText) {
  auto view = backend::GuestPassClient(c).view(invitation);
  if (!view) return {404, {{"error", "invalid_link"}}};
  const std::string& state = view->invitation.state;
  if (state != "active") return {410, {{"state", state}, {"estate", view->estate}}};
  auto text = passText();
  if (!text) return {410, {{"state", "revoked"}, {"estate", view->estate}}};
  return {200, guestPageJson(*view, qrSvg(*text, "Gatehouse pass"))};
}

}  // namespace gatehouse::portal
