// Magic-link resource: a notification's signed link lets its one resident view and decide
// one visit without signing in (the link is used up by the decision).
#include <variant>

#include "../route_table.hpp"
#include "gatehouse/backend/resident_client.hpp"
#include "visits.hpp"

namespace gatehouse::portal {

namespace {

using Access = RouteTable::Access;

// The claim of the body's token, or the reply that refuses it.
std::variant<MagicClaim, HttpResponse> readClaim(Context& ctx, const json& body) {
  std::string token;
  if (!readField(body, "token", token)) return badField("token");
  auto claim = readMagicToken(ctx.secret, token, ctx.clock.unixSeconds());
  if (claim) return *claim;
  if (claim.error().code == "expired") return errorResponse(410, "link_expired");
  return errorResponse(404, "invalid_link");
}

HttpResponse view(Context& ctx, const Call& call) {
  auto claim = readClaim(ctx, call.body);
  if (auto* refused = std::get_if<HttpResponse>(&claim)) return *refused;
  const auto& c = std::get<MagicClaim>(claim);
  std::optional<json> v;
  ctx.asPerson(c.personId, [&](backend::Connection& conn) { v = loadVisit(conn, c.visitId); });
  if (!v) return errorResponse(404, "invalid_link");
  return jsonResponse(200, {{"visit", *v}, {"expires_ms", c.expires * 1000}});
}

HttpResponse decide(Context& ctx, const Call& call) {
  auto claim = readClaim(ctx, call.body);
  if (auto* refused = std::get_if<HttpResponse>(&claim)) return *refused;
  const auto& c = std::get<MagicClaim>(claim);
  if (!call.body.contains("approve")) return errorResponse(422, "approve");
  if (!call.body["approve"].is_boolean()) return badField("approve");
  return decideAs(ctx, c.personId, c.visitId, call.body["approve"].get<bool>(), "magic_link",
                  c.nonce);
}

// The photo of the one visit a magic link is for, while the link is unused. The token comes
// in a header (never in the URL, where logs and the Referer would keep it).
HttpResponse photo(Context& ctx, const Call& call) {
  auto claim =
      readMagicToken(ctx.secret, call.req.header("x-magic-token"), ctx.clock.unixSeconds());
  if (!claim) return errorResponse(404, "not_found");
  if (backend::magicLinkUsed(ctx.db(), claim->nonce)) return errorResponse(404, "not_found");
  return photoAs(ctx, claim->personId, call.param(), claim->visitId);
}

}  // namespace

void addMagicRoutes(RouteTable& t) {
  t.add("POST", "/api/magic/view", Access::Public, view);
  t.add("POST", "/api/magic/decide", Access::Public, decide);
  t.add("GET", "/api/magic/photo/{id}", Access::Public, photo);
}

}  // namespace gatehouse::portal
