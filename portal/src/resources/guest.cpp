// Guest resource: the host's shareable pass link (and sending it by SMS), and the guest's
// page behind that link (no sign-in; the signed token names invitation and host).
#include <spdlog/spdlog.h>

#include "../guest_pass.hpp"
#include "../route_table.hpp"
#include "invitations.hpp"

namespace gatehouse::portal {

namespace {

using backend::Connection;
using Access = RouteTable::Access;

std::string guestUrl(const Context& ctx, const Uuid& id, std::int64_t host, std::int64_t until) {
  return ctx.baseUrl + "/g#" + makeGuestToken(ctx.secret, GuestClaim{id, host, until});
}

HttpResponse link(Context& ctx, const Call& call) {
  auto id = Uuid::parse(call.param());
  if (!id) return errorResponse(404, "not_found");
  std::optional<std::int64_t> until;
  ctx.asPerson(call.auth->personId, [&](Connection& c) { until = guestLinkExpiry(c, *id); });
  if (!until) return errorResponse(404, "not_found");
  return jsonResponse(200, {{"url", guestUrl(ctx, *id, call.auth->personId, *until)},
                            {"expires_ms", *until * 1000}});
}

// By SMS through the estate's gateway (a signed webhook), in the background.
HttpResponse sms(Context& ctx, const Call& call) {
  if (ctx.cfg.smsWebhookUrl.empty()) return errorResponse(409, "sms_off");
  auto id = Uuid::parse(call.param());
  if (!id) return errorResponse(404, "not_found");
  std::optional<GuestContact> who;
  std::optional<std::int64_t> until;
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    who = guestContact(c, *id);
    until = guestLinkExpiry(c, *id);
  });
  if (!who || !until) return errorResponse(422, "no_phone");
  auto body = guestSmsBody(*who, *id, guestUrl(ctx, *id, call.auth->personId, *until));
  ctx.postWork([&ctx, body] {
    auto err = postWebhook(ctx.cfg, ctx.cfg.smsWebhookUrl, body, ctx.clock.unixSeconds());
    if (!err.empty()) spdlog::warn("guest pass SMS not sent: {}", err);
  });
  return jsonResponse(202, {{"status", "queued"}});
}

HttpResponse page(Context& ctx, const Call& call) {
  std::string token;
  if (!readField(call.body, "token", token)) return badField("token");
  auto claim = readGuestToken(ctx.secret, token, ctx.clock.unixSeconds());
  if (!claim) {
    if (claim.error().code == "expired") return errorResponse(410, "expired");
    return errorResponse(404, "invalid_link");
  }
  GuestReply out{404, {{"error", "invalid_link"}}};
  ctx.asPerson(claim->hostId, [&](Connection& c) {
    out = guestView(c, claim->invitationId, [&] { return passText(ctx, c, claim->invitationId); });
  });
  return jsonResponse(out.status, out.body);
}

}  // namespace

void addGuestRoutes(RouteTable& t) {
  t.add("POST", "/api/guest", Access::Public, page);
  t.add("GET", "/api/invitations/{id}/guest-link", Access::Resident, link);
  t.add("POST", "/api/invitations/{id}/sms", Access::Resident, sms);
}

}  // namespace gatehouse::portal
