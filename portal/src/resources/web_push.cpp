// Web Push resource: the signed-in person's devices (list, subscribe, remove, test) and
// Let in / Deny from a notification (a magic token whose nonce names the device).
#include "web_push.hpp"

#include "../route_table.hpp"
#include "gatehouse/core/password.hpp"
#include "visits.hpp"

namespace gatehouse::portal {

namespace {

using backend::Connection;
using Access = RouteTable::Access;

HttpResponse reply(const PushReply& out) {
  HttpResponse r;
  r.status = out.status;
  r.body = out.body;
  return r;
}

std::int64_t subscriptionId(const Call& call) {
  try {
    return std::stoll(call.param());
  } catch (const std::exception&) {
    return 0;
  }
}

HttpResponse listDevices(Context& ctx, const Call& call) {
  PushReply out;
  ctx.asPerson(call.auth->personId,
               [&](Connection& c) { out = pushList(c, ctx.push ? &ctx.push->keys() : nullptr); });
  return reply(out);
}

HttpResponse subscribe(Context& ctx, const Call& call) {
  if (!ctx.push) return errorResponse(409, "push_off");
  PushReply out;
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    out = pushSubscribe(c, call.req.body, ctx.cfg.webhookAllowedAddresses);
  });
  return reply(out);
}

HttpResponse unsubscribe(Context& ctx, const Call& call) {
  auto id = subscriptionId(call);
  if (!id) return errorResponse(404, "not_found");
  PushReply out;
  ctx.asPerson(call.auth->personId, [&](Connection& c) { out = pushUnsubscribe(c, id); });
  return reply(out);
}

HttpResponse test(Context& ctx, const Call& call) {
  auto id = subscriptionId(call);
  if (!id || !ctx.push) return errorResponse(404, "not_found");
  std::optional<PushTarget> target;
  ctx.asPerson(call.auth->personId, [&](Connection& c) { target = pushOwnTarget(c, id); });
  if (!target) return errorResponse(404, "not_found");
  ctx.push->direct(*target, testPushMessage());
  return jsonResponse(202, {{"status", "queued"}});
}

HttpResponse decide(Context& ctx, const Call& call) {
  const auto& body = call.body;
  std::string token;
  if (!readField(body, "token", token)) return badField("token");
  auto claim = readMagicToken(ctx.secret, token, ctx.clock.unixSeconds());
  if (!claim) {
    if (claim.error().code == "expired") return errorResponse(410, "link_expired");
    return errorResponse(404, "invalid_link");
  }
  if (!body.contains("approve")) return errorResponse(422, "approve");
  if (!body["approve"].is_boolean()) return badField("approve");
  auto device = pushNonceSubscription(claim->nonce);
  bool known = false;
  if (device)
    ctx.asPerson(claim->personId, [&](Connection& c) { known = !!pushOwnTarget(c, device); });
  if (!known) return errorResponse(404, "invalid_link");  // the device was removed
  return decideAs(ctx, claim->personId, claim->visitId, body["approve"].get<bool>(), "push",
                  claim->nonce);
}

}  // namespace

PushService::Composer devicePushComposer(Context& ctx) {
  return [&ctx](const std::string& kind, const std::string& payload, const PushTarget& t) {
    return composePush(kind, payload, [&](const std::string& visit) -> std::string {
      auto id = Uuid::parse(visit);
      if (!id) return {};
      MagicClaim c{*id, t.personId, ctx.clock.unixSeconds() + ctx.cfg.magicLinkMinutes * 60,
                   pushNonce(t.subscriptionId, randomToken(12))};
      return makeMagicToken(ctx.secret, c);
    });
  };
}

void addPushRoutes(RouteTable& t) {
  t.add("POST", "/api/push/decide", Access::Public, decide);
  t.add("GET", "/api/push", Access::Resident, listDevices);
  t.add("POST", "/api/push/subscriptions", Access::Resident, subscribe);
  t.add("POST", "/api/push/subscriptions/{id}/delete", Access::Resident, unsubscribe);
  t.add("POST", "/api/push/subscriptions/{id}/test", Access::Resident, test);
}

}  // namespace gatehouse::portal
