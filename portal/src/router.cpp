// Dispatch over the route table: the checks every route shares, then its handler, with
// backend errors mapped to the API's status codes.
#include <spdlog/spdlog.h>

#include "gatehouse/backend/error.hpp"
#include "route_table.hpp"

namespace gatehouse::portal {

using backend::ErrorKind;

namespace {

bool sameOrigin(const HttpRequest& req) {
  auto origin = req.header("origin");
  if (origin.empty()) return true;  // non-browser clients; the CSRF token still applies
  auto host = req.header("host");
  auto p = origin.find("://");
  return p != std::string::npos && origin.substr(p + 3) == host;
}

// Method, origin and body checks; fills `body` or returns the refusal.
std::optional<HttpResponse> checkRequest(const HttpRequest& req, json& body) {
  const bool post = req.method == "POST";
  if (post) {
    if (!sameOrigin(req)) return errorResponse(403, "cross_origin");
    if (req.header("content-type").rfind("application/json", 0) != 0)
      return errorResponse(415, "json_required");
  } else if (req.method != "GET") {
    return errorResponse(405, "method_not_allowed");
  }
  body = json::object();
  if (post && !req.body.empty()) {
    body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return errorResponse(400, "bad_json");
  }
  return std::nullopt;
}

HttpResponse route(Context& ctx, const RouteTable& t, const HttpRequest& req) {
  auto m = t.match(req.method, req.path);
  if (req.path == "/healthz" && m.route) return m.route->handler(ctx, {req, json(), nullptr, {}});
  auto seg = pathSegments(req.path);
  if (seg.empty() || seg[0] != "api") return errorResponse(404, "not_found");
  json body;
  if (auto refused = checkRequest(req, body)) return *refused;
  if (m.route && !m.route->info.session)
    return m.route->handler(ctx, {req, body, nullptr, std::move(m.params)});

  auto auth = ctx.authenticate(req);
  if (!auth) return errorResponse(401, "signed_out");
  if (req.method == "POST") {
    auto given = req.header("x-csrf-token");
    if (given.empty() || !constantTimeEqual(given, auth->csrf)) return errorResponse(403, "csrf");
  }
  HttpResponse r = !m.route || m.route->info.stream ? errorResponse(404, "not_found")
                   : !roleAllowed(m.route->info, auth->role)
                       ? errorResponse(403, "forbidden")
                       : m.route->handler(ctx, {req, body, &*auth, std::move(m.params)});
  r.logUser = std::to_string(auth->personId);
  return r;
}

}  // namespace

HttpResponse dispatch(Context& ctx, const RouteTable& t, const HttpRequest& req) {
  try {
    return route(ctx, t, req);
  } catch (const json::exception&) {  // a field of an unexpected type no handler checked
    return errorResponse(400, "bad_json");
  } catch (const backend::Error& e) {
    switch (e.kind()) {
      case ErrorKind::ConnectionLost:
        ctx.dropDb();
        return errorResponse(503, "database_unavailable");
      case ErrorKind::NotFound:
        return errorResponse(404, "not_found");
      case ErrorKind::Forbidden:
        return errorResponse(e.detail() == "held" ? 403 : 404,
                             e.detail() == "held" ? "held" : "not_found");
      case ErrorKind::Conflict:
        return errorResponse(409, e.detail().empty() ? "conflict" : e.detail());
      case ErrorKind::InvalidInput:
        return errorResponse(422, e.detail().empty() ? "invalid_input" : e.detail());
      default:
        spdlog::error("database error on {} {}: {}", req.method, req.path, e.what());
        return errorResponse(500, "internal");
    }
  }
}

bool isStream(const RouteTable& t, const HttpRequest& req) {
  auto m = t.match(req.method, req.path);
  return m.route && m.route->info.stream;
}

HttpHandlers::StreamDecision openStream(Context& ctx, const RouteTable& t, const HttpRequest& req) {
  HttpHandlers::StreamDecision d;
  auto m = t.match(req.method, req.path);
  std::optional<Auth> a;
  try {
    a = ctx.authenticate(req);
  } catch (const backend::Error&) {
    ctx.dropDb();
    d.refuse = errorResponse(503, "database_unavailable");
    return d;
  }
  if (!a) {
    d.refuse = errorResponse(401, "signed_out");
  } else if (!m.route || !m.route->info.stream) {
    d.refuse = errorResponse(404, "not_found");
  } else if (!roleAllowed(m.route->info, a->role)) {
    d.refuse = errorResponse(403, "forbidden");
  } else {
    d = m.route->stream(ctx, req, *a);
  }
  return d;
}

}  // namespace gatehouse::portal
