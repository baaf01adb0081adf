// The portal application: routes of the JSON API, sign-in and sessions, live events fan-out,
// invitations and passes, visit log, and the notification delivery worker.
#include "gatehouse/portal/portal.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/backend/durability.hpp"
#include "gatehouse/backend/error.hpp"
#include "gatehouse/backend/listener.hpp"
#include "gatehouse/backend/migrator.hpp"
#include "gatehouse/core/base64url.hpp"
#include "gatehouse/core/install_paths.hpp"
#include "gatehouse/core/pass.hpp"
#include "gatehouse/core/password.hpp"
#include "gatehouse/core/signing_keys.hpp"
#include "gatehouse/portal/http_server.hpp"
#include "guest_pass.hpp"
#include "internal.hpp"
#include "mail_sink.hpp"
#include "push.hpp"
#include "staff_api.hpp"
#include "staff_live.hpp"

#ifndef GATEHOUSE_PORTAL_WEB_DIR
#define GATEHOUSE_PORTAL_WEB_DIR ""
#endif

namespace gatehouse::portal {

using json = nlohmann::json;
using backend::Connection;
using backend::ErrorKind;
using backend::Params;

namespace {

constexpr const char* kCookie = "gh_session";
std::atomic<std::uint64_t> gSerial{1};

HttpResponse jsonResponse(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}
HttpResponse errorResponse(int status, const std::string& code, json extra = json::object()) {
  extra["error"] = code;
  return jsonResponse(status, extra);
}

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool isDate(const std::string& s) {
  static const std::regex re(R"(^\d{4}-\d{2}-\d{2}$)");
  return std::regex_match(s, re);
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

std::size_t utf8Length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string trim(std::string s) {
  auto notSpace = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
  s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
  return s;
}

// Minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF.
std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',' || c == ';') {
      row.push_back(trim(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.push_back(trim(field));
        rows.push_back(std::move(row));
      }
      row.clear();
      field.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    row.push_back(trim(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

const char* kVisitSelect = R"(
SELECT v.id::text AS id, v.status::text AS status, v.held, v.purpose, vi.full_name AS visitor,
       v.escalated_at IS NOT NULL AS escalated,
       u.label AS unit_label, gh.portal_kiosk_name(v.kiosk_id) AS kiosk,
       gh.portal_person_name(v.decided_by) AS decided_by, gh.portal_person_role(v.decided_by) AS decided_by_role,
       v.decision_channel::text AS channel, v.decision_reason AS reason, v.invitation_id::text AS invitation,
       (extract(epoch FROM v.requested_at) * 1000)::bigint AS requested_ms,
       (extract(epoch FROM v.decided_at) * 1000)::bigint AS decided_ms,
       (extract(epoch FROM v.entered_at) * 1000)::bigint AS entered_ms,
       (extract(epoch FROM v.exited_at) * 1000)::bigint AS exited_ms,
       (extract(epoch FROM now()) * 1000)::bigint AS now_ms,
       coalesce((SELECT json_agg(json_build_object('id', e.id, 'kind', e.kind) ORDER BY e.captured_at)
                   FROM gh.evidence e WHERE e.visit_id = v.id AND e.kind IN ('entry_photo', 'exit_photo'))::text,
                '[]') AS photos
  FROM gh.visit v JOIN gh.visitor vi ON vi.id = v.visitor_id JOIN gh.unit u ON u.id = v.unit_id
 WHERE v.unit_id = gh.my_unit() )";

json visitJson(const backend::Row& r) {
  json j;
  j["id"] = r.text("id");
  j["status"] = r.text("status");
  j["held"] = r.boolean("held");
  j["escalated"] = r.boolean("escalated");
  j["purpose"] = r.text("purpose");
  j["visitor"] = r.text("visitor");
  j["unit"] = r.text("unit_label");
  j["kiosk"] = r.optText("kiosk") ? json(*r.optText("kiosk")) : json(nullptr);
  j["decided_by"] = r.optText("decided_by") ? json(*r.optText("decided_by")) : json(nullptr);
  j["decided_by_role"] =
      r.optText("decided_by_role") ? json(*r.optText("decided_by_role")) : json(nullptr);
  j["channel"] = r.optText("channel") ? json(*r.optText("channel")) : json(nullptr);
  j["reason"] = r.optText("reason") ? json(*r.optText("reason")) : json(nullptr);
  j["invitation"] = r.optText("invitation") ? json(*r.optText("invitation")) : json(nullptr);
  for (const char* k : {"requested_ms", "decided_ms", "entered_ms", "exited_ms"}) {
    auto v = r.optInt64(k);
    j[k] = v ? json(*v) : json(nullptr);
  }
  j["waiting_s"] = (r.int64("now_ms") - r.int64("requested_ms")) / 1000;
  j["photos"] = json::parse(r.text("photos"), nullptr, false);
  if (j["photos"].is_discarded()) j["photos"] = json::array();
  return j;
}

const char* kInvitationSelect = R"(
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
  j["valid_from_ms"] = r.int64("valid_from_ms");
  j["valid_until_ms"] = r.int64("valid_until_ms");
  j["date_from"] = r.text("date_from");
  j["date_until"] = r.text("date_until");
  j["weekdays"] = r.int64("weekdays");
  j["day_start_min"] = r.int64("day_start_min");
  j["day_end_min"] = r.int64("day_end_min");
  j["max_uses"] = r.int64("max_uses");
  j["uses"] = r.int64("uses");
  auto rv = r.optInt64("revoked_ms");
  j["revoked_ms"] = rv ? json(*rv) : json(nullptr);
  j["created_ms"] = r.int64("created_ms");
  j["state"] = r.text("state");
  j["timezone"] = r.text("timezone");
  return j;
}

struct Auth {
  std::int64_t personId = 0;
  std::int64_t estateId = 0;
  std::int64_t unitId = 0;
  std::string role;
  std::string name;
  std::string csrf;
  std::string tokenHash;
  std::int64_t expiresMs = 0;
};

}  // namespace

struct Portal::Impl {
  PortalConfig cfg;
  const Clock& clock;
  std::string secret;
  std::uint64_t serial = gSerial.fetch_add(1);
  std::unique_ptr<StaticFiles> files;
  Hub hub;
  StaffHub staffHub;
  StaffSettings staffSettings;
  LoginThrottle throttle;
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<backend::Listener> listener;
  std::unique_ptr<PushService> push;  // null when no VAPID key is configured
  std::string dummyHash;
  std::string baseUrl;

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  bool wake = false;
  std::thread deliveryThread;
  std::thread heartbeatThread;

  std::mutex unknownMu;
  std::unordered_map<std::string, std::pair<int, std::chrono::steady_clock::time_point>>
      unknownFailures;

  Impl(PortalConfig c, const Clock& clk)
      : cfg(std::move(c)), clock(clk), throttle(std::max(1, cfg.loginPerMinutePerAddress)) {}

  // --- database -------------------------------------------------------------------------
  static std::unordered_map<std::uint64_t, std::unique_ptr<Connection>>& threadConnections() {
    thread_local std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> conns;
    return conns;
  }
  Connection& db() {
    auto& c = threadConnections()[serial];
    if (!c) c = std::make_unique<Connection>(cfg.databaseUrl);
    return *c;
  }
  void dropDb() { threadConnections().erase(serial); }

  template <typename F>
  void asPerson(std::int64_t person, F&& f) {
    db().asPerson(person, std::forward<F>(f));
  }

  // --- sessions ----------------------------------------------------------------------------
  std::optional<Auth> authenticate(const HttpRequest& req) {
    auto a = authenticateAny(req);
    if (!a || a->role != "resident") return std::nullopt;
    return a;
  }
  // The session's person whatever their role (the staff routes check theirs).
  std::optional<Auth> authenticateAny(const HttpRequest& req) {
    auto token = req.cookie(kCookie);
    if (token.empty() || token.size() > 100) return std::nullopt;
    auto hash = sha256Hex(token);
    auto rows = db().execPrepared("portal_session_get",
                                  "SELECT *, (extract(epoch FROM expires_at) * 1000)::bigint AS "
                                  "expires_ms FROM gh.portal_session_get($1)",
                                  {hash});
    if (rows.empty()) return std::nullopt;
    auto r = rows[0];
    Auth a;
    a.personId = r.int64("person_id");
    a.estateId = r.int64("estate_id");
    a.unitId = r.optInt64("unit_id").value_or(0);
    a.role = r.text("role");
    a.name = r.text("full_name");
    a.csrf = r.text("csrf_token");
    a.tokenHash = hash;
    a.expiresMs = r.int64("expires_ms");
    return a;
  }

  bool sameOrigin(const HttpRequest& req) {
    auto origin = req.header("origin");
    if (origin.empty()) return true;  // non-browser clients; the CSRF token still applies
    auto host = req.header("host");
    auto p = origin.find("://");
    return p != std::string::npos && origin.substr(p + 3) == host;
  }

  std::string cookieHeader(const std::string& value, long maxAge, bool tls) {
    std::string c = std::string(kCookie) + "=" + value +
                    "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(maxAge);
    if (tls || cfg.cookieSecure) c += "; Secure";
    return c;
  }

  // --- dispatch ----------------------------------------------------------------------------
  std::optional<HttpResponse> handleInline(const HttpRequest& req) {
    if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
    if (req.path.rfind("/api/", 0) == 0 || req.path == "/healthz") return std::nullopt;
    if (req.path == "/demo/mail") {  // only while e-mail goes to the demo's file sink
      const auto dir = mailSinkDir(cfg.smtpUrl);
      return dir.empty() ? errorResponse(404, "not_found") : mailSinkPage(dir);
    }
    std::string path = req.path;
    if (path == "/")
      path = "/index.html";
    else if (path == "/m")
      path = "/magic.html";
    else if (path == "/reset")
      path = "/reset.html";
    else if (path == "/g")
      path = "/guest.html";
    const StaticFile* f = files ? files->find(path) : nullptr;
    if (!f) return errorResponse(404, "not_found");
    HttpResponse r;
    r.contentType = f->contentType;
    r.header("ETag", f->etag);
    r.header("Cache-Control", "no-cache");
    if (req.header("if-none-match") == f->etag) {
      r.status = 304;
      return r;
    }
    if (req.method == "GET") r.body = f->body;
    return r;
  }

  void decorate(const HttpRequest& req, HttpResponse& r) {
    r.header("Content-Security-Policy",
             "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
             "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action "
             "'self'; "
             "frame-ancestors 'none'");
    r.header("X-Frame-Options", "DENY");
    r.header("X-Content-Type-Options", "nosniff");
    r.header("Referrer-Policy", "no-referrer");
    r.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    r.header("Cross-Origin-Opener-Policy", "same-origin");
    r.header("Cross-Origin-Resource-Policy", "same-origin");
    if (req.tls) r.header("Strict-Transport-Security", "max-age=31536000");
    bool hasCache = std::any_of(r.headers.begin(), r.headers.end(),
                                [](auto& h) { return h.first == "Cache-Control"; });
    if (!hasCache) r.header("Cache-Control", "no-store");
  }

  HttpResponse handle(const HttpRequest& req) {
    try {
      return route(req);
    } catch (const backend::Error& e) {
      switch (e.kind()) {
        case ErrorKind::ConnectionLost:
          dropDb();
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

  HttpResponse route(const HttpRequest& req) {
    auto seg = segments(req.path);
    const auto& m = req.method;
    if (req.path == "/healthz") return healthz();
    if (seg.empty() || seg[0] != "api") return errorResponse(404, "not_found");

    bool post = m == "POST";
    if (post) {
      if (!sameOrigin(req)) return errorResponse(403, "cross_origin");
      auto ct = req.header("content-type");
      if (ct.rfind("application/json", 0) != 0) return errorResponse(415, "json_required");
    } else if (m != "GET") {
      return errorResponse(405, "method_not_allowed");
    }
    json body = json::object();
    if (post && !req.body.empty()) {
      body = json::parse(req.body, nullptr, false);
      if (body.is_discarded() || !body.is_object()) return errorResponse(400, "bad_json");
    }

    // Public endpoints: sign-in, password reset, magic links.
    if (seg.size() == 2 && seg[1] == "login" && post) return login(req, body);
    if (seg.size() == 3 && seg[1] == "password" && seg[2] == "forgot" && post)
      return forgot(req, body);
    if (seg.size() == 3 && seg[1] == "password" && seg[2] == "reset" && post) return reset(body);
    if (seg.size() == 3 && seg[1] == "magic" && post) return magic(seg[2], body);
    if (seg.size() == 4 && seg[1] == "magic" && seg[2] == "photo" && !post)
      return magicPhoto(seg[3], req.queryParam("t"));
    if (seg.size() == 3 && seg[1] == "push" && seg[2] == "decide" && post) return pushDecide(body);
    if (seg.size() == 2 && seg[1] == "guest" && post) return guestPage(body);
    if (seg.size() >= 2 && seg[1] == "staff") return staffRoute(req, body);
    if (seg.size() == 2 && seg[1] == "logout" && post) return logoutAnyone(req);

    auto auth = authenticate(req);
    if (!auth) return errorResponse(401, "signed_out");
    if (post) {
      auto given = req.header("x-csrf-token");
      if (given.empty() || !constantTimeEqual(given, auth->csrf)) return errorResponse(403, "csrf");
    }
    HttpResponse r = routeSignedIn(req, seg, body, *auth);
    r.logUser = std::to_string(auth->personId);
    return r;
  }

  // --- staff API (staff_api.cpp) -----------------------------------------------------------------
  static bool isStaff(const Auth& a) { return a.role == "guard" || a.role == "admin"; }

  HttpResponse staffRoute(const HttpRequest& req, const json& body) {
    auto auth = authenticateAny(req);
    if (!auth) return errorResponse(401, "signed_out");
    if (!isStaff(*auth)) return errorResponse(403, "forbidden");
    if (req.method == "POST") {
      auto given = req.header("x-csrf-token");
      if (given.empty() || !constantTimeEqual(given, auth->csrf)) return errorResponse(403, "csrf");
    }
    for (const auto& route : staffRoutes()) {
      std::vector<std::string> params;
      if (req.method != route.method || !matchPattern(route.pattern, req.path, params)) continue;
      if (route.adminOnly && auth->role != "admin") return errorResponse(403, "forbidden");
      StaffRequest call{db(), auth->personId, req, body, std::move(params), staffSettings};
      auto r = runStaffHandler(route, call);
      r.logUser = std::to_string(auth->personId);
      return r;
    }
    return errorResponse(404, "not_found");
  }

  // Staff sign out here too (their sessions are the same kind).
  HttpResponse logoutAnyone(const HttpRequest& req) {
    auto auth = authenticateAny(req);
    if (!auth) return errorResponse(401, "signed_out");
    auto given = req.header("x-csrf-token");
    if (given.empty() || !constantTimeEqual(given, auth->csrf)) return errorResponse(403, "csrf");
    auto r = logout(req, *auth);
    r.logUser = std::to_string(auth->personId);
    return r;
  }

  HttpResponse routeSignedIn(const HttpRequest& req, const std::vector<std::string>& seg,
                             const json& body, const Auth& a) {
    bool post = req.method == "POST";
    auto n = seg.size();
    if (n == 2 && seg[1] == "me" && !post) return me(a);
    if (n == 2 && seg[1] == "logout" && post) return logout(req, a);
    if (n == 3 && seg[1] == "me" && seg[2] == "channels" && post) return setChannels(a, body);
    if (n == 3 && seg[1] == "visits" && seg[2] == "pending" && !post) return pending(a);
    if (n == 2 && seg[1] == "visits" && !post) return visitLog(req, a, false);
    if (n == 2 && seg[1] == "visits.csv" && !post) return visitLog(req, a, true);
    if (n == 3 && seg[1] == "visits" && !post) return visitOne(a, seg[2]);
    if (n == 4 && seg[1] == "visits" && seg[3] == "decide" && post) return decide(a, seg[2], body);
    if (n == 4 && seg[1] == "visits" && seg[3] == "report" && post) return report(a, seg[2], body);
    if (n == 3 && seg[1] == "photos" && !post) return photo(a, seg[2]);
    if (n == 2 && seg[1] == "invitations" && !post) return invitations(a);
    if (n == 2 && seg[1] == "invitations" && post) return createInvitation(a, body);
    if (n == 3 && seg[1] == "invitations" && seg[2] == "event" && post) return createEvent(a, body);
    if (n == 3 && seg[1] == "invitations" && !post) return invitationOne(a, seg[2]);
    if (n == 4 && seg[1] == "invitations" && seg[3] == "qr.svg" && !post)
      return invitationQr(a, seg[2]);
    if (n == 4 && seg[1] == "invitations" && seg[3] == "revoke" && post) return revoke(a, seg[2]);
    if (n == 4 && seg[1] == "invitations" && seg[3] == "guest-link" && !post)
      return guestLink(a, seg[2]);
    if (n == 4 && seg[1] == "invitations" && seg[3] == "sms" && post) return guestSms(a, seg[2]);
    if (n == 2 && seg[1] == "notifications" && !post) return notifications(a);
    if (n == 3 && seg[1] == "notifications" && seg[2] == "read" && post) return markRead(a, body);
    if (n >= 2 && seg[1] == "push") return pushRoute(req, seg, a);
    return errorResponse(404, "not_found");
  }

  // --- Web Push (handlers in push_api.cpp) ---------------------------------------------------
  HttpResponse pushRoute(const HttpRequest& req, const std::vector<std::string>& seg,
                         const Auth& a) {
    bool post = req.method == "POST";
    PushReply out{404, R"({"error":"not_found"})"};
    std::int64_t id = 0;
    if (seg.size() == 5 && seg[2] == "subscriptions") {
      try {
        id = std::stoll(seg[3]);
      } catch (const std::exception&) {
        return errorResponse(404, "not_found");
      }
    }
    asPerson(a.personId, [&](Connection& c) {
      if (seg.size() == 2 && !post) {
        out = pushList(c, push ? &push->keys() : nullptr);
      } else if (seg.size() == 3 && seg[2] == "subscriptions" && post) {
        out = push ? pushSubscribe(c, req.body) : PushReply{409, R"({"error":"push_off"})"};
      } else if (id && post && seg[4] == "delete") {
        out = pushUnsubscribe(c, id);
      } else if (id && post && seg[4] == "test" && push) {
        if (auto t = pushOwnTarget(c, id)) {
          push->direct(*t, testPushMessage());
          out = {202, R"({"status":"queued"})"};
        }
      }
    });
    HttpResponse r;
    r.status = out.status;
    r.body = out.body;
    return r;
  }

  // --- guest pass links (guest_pass.cpp) -------------------------------------------------------
  HttpResponse guestLink(const Auth& a, const std::string& idText) {
    auto id = Uuid::parse(idText);
    if (!id) return errorResponse(404, "not_found");
    std::optional<std::int64_t> until;
    asPerson(a.personId, [&](Connection& c) { until = guestLinkExpiry(c, *id); });
    if (!until) return errorResponse(404, "not_found");
    auto token = makeGuestToken(secret, GuestClaim{*id, a.personId, *until});
    return jsonResponse(200, {{"url", baseUrl + "/g#" + token}, {"expires_ms", *until * 1000}});
  }

  // By SMS through the estate's gateway (a signed webhook), in the background.
  HttpResponse guestSms(const Auth& a, const std::string& idText) {
    if (cfg.smsWebhookUrl.empty()) return errorResponse(409, "sms_off");
    auto id = Uuid::parse(idText);
    if (!id) return errorResponse(404, "not_found");
    std::optional<GuestContact> who;
    std::optional<std::int64_t> until;
    asPerson(a.personId, [&](Connection& c) {
      who = guestContact(c, *id);
      until = guestLinkExpiry(c, *id);
    });
    if (!who || !until) return errorResponse(422, "no_phone");
    auto url = baseUrl + "/g#" + makeGuestToken(secret, GuestClaim{*id, a.personId, *until});
    auto body = guestSmsBody(*who, *id, url);
    server->postWork([this, body] {
      auto err = postWebhook(cfg, cfg.smsWebhookUrl, body, clock.unixSeconds());
      if (!err.empty()) spdlog::warn("guest pass SMS not sent: {}", err);
    });
    return jsonResponse(202, {{"status", "queued"}});
  }

  HttpResponse guestPage(const json& body) {
    auto claim = readGuestToken(secret, body.value("token", std::string()), clock.unixSeconds());
    if (!claim) {
      if (claim.error().code == "expired") return errorResponse(410, "expired");
      return errorResponse(404, "invalid_link");
    }
    GuestReply out{404, R"({"error":"invalid_link"})"};
    asPerson(claim->hostId, [&](Connection& c) {
      out = guestView(c, claim->invitationId, [&] { return passText(c, claim->invitationId); });
    });
    HttpResponse r;
    r.status = out.status;
    r.body = out.body;
    return r;
  }

  // Let in / Deny from a notification: a magic token whose nonce names the device.
  HttpResponse pushDecide(const json& body) {
    auto claim = readMagicToken(secret, body.value("token", std::string()), clock.unixSeconds());
    if (!claim) {
      if (claim.error().code == "expired") return errorResponse(410, "link_expired");
      return errorResponse(404, "invalid_link");
    }
    if (!body.contains("approve") || !body["approve"].is_boolean())
      return errorResponse(422, "approve");
    auto device = pushNonceSubscription(claim->nonce);
    bool known = false;
    if (device)
      asPerson(claim->personId, [&](Connection& c) { known = !!pushOwnTarget(c, device); });
    if (!known) return errorResponse(404, "invalid_link");  // the device was removed
    return decideAs(claim->personId, claim->visitId, body["approve"].get<bool>(), "push",
                    claim->nonce);
  }

  PushMessage composeForDevice(const std::string& kind, const std::string& payload,
                               const PushTarget& t) {
    return composePush(kind, payload, [&](const std::string& visit) -> std::string {
      auto id = Uuid::parse(visit);
      if (!id) return {};
      MagicClaim c{*id, t.personId, clock.unixSeconds() + cfg.magicLinkMinutes * 60,
                   pushNonce(t.subscriptionId, randomToken(12))};
      return makeMagicToken(secret, c);
    });
  }

  // --- health ------------------------------------------------------------------------------
  HttpResponse healthz() {
    bool dbOk = false, migrationsOk = false, durable = false;
    try {
      db().exec("SELECT 1");
      dbOk = true;
      backend::Migrator migrator(db());
      migrationsOk = migrator.upToDate();
      durable = backend::checkDurability(db()).durable();  // a warning, not a failure
    } catch (const std::exception& e) {
      spdlog::warn("healthz: {}", e.what());
      dropDb();
    }
    bool ok = dbOk && migrationsOk;
    return jsonResponse(ok ? 200 : 503, {{"status", ok ? "ok" : "unhealthy"},
                                         {"database", dbOk},
                                         {"migrations", migrationsOk},
                                         {"durable_commits", durable}});
  }

  // --- sign in -------------------------------------------------------------------------------
  bool unknownLocked(const std::string& key) {
    std::lock_guard lock(unknownMu);
    auto it = unknownFailures.find(key);
    return it != unknownFailures.end() && it->second.first >= cfg.loginMaxFailures &&
           std::chrono::steady_clock::now() < it->second.second;
  }
  bool unknownFailed(const std::string& key) {
    std::lock_guard lock(unknownMu);
    if (unknownFailures.size() > 100000) unknownFailures.clear();
    auto& e = unknownFailures[key];
    if (std::chrono::steady_clock::now() >= e.second && e.first >= cfg.loginMaxFailures)
      e.first = 0;
    ++e.first;
    if (e.first >= cfg.loginMaxFailures)
      e.second = std::chrono::steady_clock::now() + std::chrono::minutes(cfg.lockMinutes);
    return e.first >= cfg.loginMaxFailures;
  }

  HttpResponse lockedResponse(std::int64_t untilMs) {
    return errorResponse(423, "locked", {{"until_ms", untilMs}});
  }

  HttpResponse login(const HttpRequest& req, const json& body) {
    if (int wait = throttle.attempt("login:" + req.remoteAddr, std::chrono::steady_clock::now())) {
      auto r = errorResponse(429, "rate_limited", {{"retry_after_s", wait}});
      r.header("Retry-After", std::to_string(wait));
      return r;
    }
    std::string email = body.value("email", std::string());
    std::string password = body.value("password", std::string());
    email = trim(email);
    if (email.empty() || email.size() > 254 || password.empty() || password.size() > 1024)
      return errorResponse(401, "invalid_credentials");
    std::string key = email;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return std::tolower(c); });

    auto rows = db().execPrepared(
        "portal_auth_lookup",
        "SELECT person_id, role::text AS role, password_hash, locked_until > now() AS locked, "
        "(extract(epoch FROM locked_until) * 1000)::bigint AS until_ms FROM gh.auth_lookup($1)",
        {email});
    if (rows.empty()) {
      // Same work and same answers as for a real account, so nothing reveals who exists.
      if (unknownLocked(key))
        return lockedResponse(clock.unixSeconds() * 1000 + cfg.lockMinutes * 60000);
      verifyPassword(dummyHash, password);
      if (unknownFailed(key))
        return lockedResponse(clock.unixSeconds() * 1000 + cfg.lockMinutes * 60000);
      return errorResponse(401, "invalid_credentials");
    }
    auto row = rows[0];
    auto person = row.int64("person_id");
    if (!row.isNull("locked") && row.boolean("locked"))
      return lockedResponse(row.int64("until_ms"));
    auto hash = row.text("password_hash");
    bool ok = !hash.empty() ? verifyPassword(hash, password)
                            : (verifyPassword(dummyHash, password), false);
    auto rec = db().exec(
        "SELECT (extract(epoch FROM gh.auth_record($1, $2, $3, make_interval(mins => $4))) * "
        "1000)::bigint AS until_ms",
        {person, ok, cfg.loginMaxFailures, cfg.lockMinutes});
    if (!ok) {
      if (auto until = rec[0].optInt64("until_ms")) return lockedResponse(*until);
      return errorResponse(401, "invalid_credentials");
    }
    if (row.text("role") != "resident") return errorResponse(403, "residents_only");
    std::string token = randomToken(32);
    std::string csrf = randomToken(24);
    db().exec("SELECT gh.portal_session_create($1, $2, $3, make_interval(hours => $4), $5)",
              {person, sha256Hex(token), csrf, cfg.sessionHours, req.header("user-agent")});
    HttpRequest fake = req;
    fake.headers["cookie"] = std::string(kCookie) + "=" + token;
    auto a = authenticate(fake);
    if (!a) return errorResponse(403, "residents_only");
    auto r = me(*a);
    r.header("Set-Cookie",
             cookieHeader(token, static_cast<long>(cfg.sessionHours) * 3600, req.tls));
    r.logUser = std::to_string(person);
    return r;
  }

  HttpResponse logout(const HttpRequest& req, const Auth& a) {
    db().exec("SELECT gh.portal_session_delete($1)", {a.tokenHash});
    hub.closeSession(a.tokenHash);
    staffHub.closeSession(a.tokenHash);
    auto r = jsonResponse(200, {{"status", "signed_out"}});
    r.header("Set-Cookie", cookieHeader("", 0, req.tls));
    return r;
  }

  HttpResponse me(const Auth& a) {
    json j{{"id", a.personId}, {"name", a.name}, {"csrf", a.csrf}, {"role", a.role}};
    asPerson(a.personId, [&](Connection& c) {
      auto rows = c.exec(
          "SELECT u.label, u.building, e.name AS estate, e.timezone, p.notify_email, "
          "p.webhook_url, p.email "
          "FROM gh.person p JOIN gh.unit u ON u.id = p.unit_id JOIN gh.estate e ON e.id = "
          "p.estate_id "
          "WHERE p.id = gh.current_person_id()");
      if (!rows.empty()) {
        auto r = rows[0];
        j["unit"] = r.text("label");
        j["building"] = r.text("building");
        j["estate"] = r.text("estate");
        j["timezone"] = r.text("timezone");
        j["email"] = r.text("email");
        j["notify_email"] = r.boolean("notify_email");
        j["webhook_url"] = r.text("webhook_url");
      }
    });
    // Only channels this server can deliver are offered.
    j["channels_available"] = {{"email", !cfg.smtpUrl.empty()},
                               {"push", push != nullptr},
                               {"sms", !cfg.smsWebhookUrl.empty()}};
    return jsonResponse(200, j);
  }

  HttpResponse setChannels(const Auth& a, const json& body) {
    bool notifyEmail = body.value("notify_email", true);
    std::string url = trim(body.value("webhook_url", std::string()));
    if (!url.empty()) {
      bool ok = url.size() <= 500 && (url.rfind("https://", 0) == 0 ||
                                      (cfg.webhookAllowHttp && url.rfind("http://", 0) == 0));
      if (!ok) return errorResponse(422, "webhook_url");
    }
    asPerson(a.personId, [&](Connection& c) {
      c.exec(
          "UPDATE gh.person SET notify_email = $1, webhook_url = nullif($2, '') WHERE id = "
          "gh.current_person_id()",
          {notifyEmail, url});
    });
    return me(a);
  }

  HttpResponse forgot(const HttpRequest& req, const json& body) {
    if (int wait = throttle.attempt("forgot:" + req.remoteAddr, std::chrono::steady_clock::now()))
      return errorResponse(429, "rate_limited", {{"retry_after_s", wait}});
    std::string email = trim(body.value("email", std::string()));
    if (!email.empty() && email.size() <= 254) {
      std::string token = randomToken(32);
      auto rows =
          db().exec("SELECT * FROM gh.portal_reset_create($1, $2, make_interval(mins => $3))",
                    {email, sha256Hex(token), cfg.resetLinkMinutes});
      if (!rows.empty()) {
        OutboundEmail mail{rows[0].text("email"), "Reset your Gatehouse password",
                           "Hello " + rows[0].text("full_name") +
                               ",\n\nTo choose a new password, open this link within " +
                               std::to_string(cfg.resetLinkMinutes) + " minutes:\n\n" + baseUrl +
                               "/reset#" + token +
                               "\n\nIf you did not ask for this, ignore this email.\n"};
        // Sent in the background so the answer takes the same time for unknown addresses.
        server->postWork([this, mail] {
          auto err = sendEmail(cfg, mail);
          if (!err.empty()) spdlog::warn("password reset email not sent: {}", err);
        });
      }
    }
    return jsonResponse(202, {{"status", "sent_if_known"}});
  }

  HttpResponse reset(const json& body) {
    std::string token = body.value("token", std::string());
    std::string password = body.value("password", std::string());
    if (utf8Length(password) < 10 || password.size() > 1024)
      return errorResponse(422, "password_too_short");
    if (token.empty() || token.size() > 100) return errorResponse(400, "invalid_link");
    auto rows = db().exec("SELECT gh.portal_reset_consume($1, $2) AS person",
                          {sha256Hex(token), hashPassword(password)});
    if (rows.empty() || rows[0].isNull("person")) return errorResponse(400, "invalid_link");
    hub.closePerson(rows[0].int64("person"));  // every session of theirs ended
    return jsonResponse(200, {{"status", "password_changed"}});
  }

  // --- visits --------------------------------------------------------------------------------
  std::optional<json> loadVisit(Connection& c, const Uuid& id) {
    auto rows =
        c.execPrepared("portal_visit_one", std::string(kVisitSelect) + " AND v.id = $1", {id});
    if (rows.empty()) return std::nullopt;
    return visitJson(rows[0]);
  }

  HttpResponse pending(const Auth& a) {
    json list = json::array();
    asPerson(a.personId, [&](Connection& c) {
      auto rows =
          c.execPrepared("portal_pending", std::string(kVisitSelect) +
                                               " AND v.status = 'pending' ORDER BY v.requested_at");
      for (std::size_t i = 0; i < rows.size(); ++i) list.push_back(visitJson(rows[i]));
    });
    return jsonResponse(200, {{"visits", list}});
  }

  HttpResponse visitOne(const Auth& a, const std::string& idText) {
    auto id = Uuid::parse(idText);
    if (!id) return errorResponse(404, "not_found");
    std::optional<json> v;
    asPerson(a.personId, [&](Connection& c) { v = loadVisit(c, *id); });
    if (!v) return errorResponse(404, "not_found");
    return jsonResponse(200, {{"visit", *v}});
  }

  HttpResponse decide(const Auth& a, const std::string& idText, const json& body) {
    auto id = Uuid::parse(idText);
    if (!id || !body.contains("approve") || !body["approve"].is_boolean())
      return errorResponse(404, "not_found");
    bool approve = body["approve"].get<bool>();
    return decideAs(a.personId, *id, approve, "resident", {});
  }

  // Decides and answers with the visit; when someone else got there first, says who and when.
  HttpResponse decideAs(std::int64_t person, const Uuid& id, bool approve,
                        const std::string& channel, const std::string& nonce) {
    std::optional<json> v;
    bool used = false;
    try {
      asPerson(person, [&](Connection& c) {
        if (!nonce.empty()) {
          auto r =
              c.exec("SELECT gh.portal_magic_consume($1, $2, $3) AS first", {nonce, id, person});
          if (!r[0].boolean("first")) {
            used = true;
            return;
          }
        }
        c.exec("SELECT gh.decide_visit($1, $2, NULL, $3::gh.decision_channel)",
               {id, approve, channel});
        // One's own decision is no news: it does not count on the Alerts badge.
        c.exec(
            "UPDATE gh.notification SET read_at = now() WHERE person_id = gh.current_person_id() "
            "AND kind = 'visit_decided' AND payload->>'visit' = $1::text AND read_at IS NULL",
            {id});
        v = loadVisit(c, id);
      });
    } catch (const backend::Error& e) {
      if (e.kind() == ErrorKind::Conflict) {
        std::optional<json> now;
        asPerson(person, [&](Connection& c) { now = loadVisit(c, id); });
        json extra = json::object();
        if (now) extra["visit"] = *now;
        return errorResponse(409, e.detail().empty() ? "conflict" : e.detail(), extra);
      }
      throw;
    }
    if (used) return errorResponse(410, "link_used");
    if (!v) return errorResponse(404, "not_found");
    return jsonResponse(200, {{"visit", *v}});
  }

  HttpResponse report(const Auth& a, const std::string& idText, const json& body) {
    auto id = Uuid::parse(idText);
    std::string reason = trim(body.value("reason", std::string()));
    if (!id) return errorResponse(404, "not_found");
    if (reason.empty() || utf8Length(reason) > 500) return errorResponse(422, "reason");
    bool visible = false;
    asPerson(a.personId, [&](Connection& c) {
      visible = loadVisit(c, *id).has_value();
      if (!visible) return;
      c.exec(
          "INSERT INTO gh.report (estate_id, visit_id, reporter_id, reason) "
          "VALUES (gh.my_estate(), $1, gh.current_person_id(), $2)",
          {*id, reason});
    });
    if (!visible) return errorResponse(404, "not_found");
    return jsonResponse(201, {{"status", "reported"}});
  }

  HttpResponse visitLog(const HttpRequest& req, const Auth& a, bool csv) {
    std::string from = req.queryParam("from"), to = req.queryParam("to");
    if ((!from.empty() && !isDate(from)) || (!to.empty() && !isDate(to)))
      return errorResponse(422, "date");
    json list = json::array();
    std::string out =
        "requested,visitor,purpose,status,decided_by,decided_at,channel,entered,exited,kiosk\r\n";
    asPerson(a.personId, [&](Connection& c) {
      auto rows = c.execPrepared(
          "portal_log",
          std::string(kVisitSelect) +
              " AND v.requested_at >= coalesce(nullif($1, '')::date, (now() - interval '30 "
              "days')::date)::timestamp "
              "AT TIME ZONE (SELECT timezone FROM gh.estate WHERE id = gh.my_estate()) "
              " AND v.requested_at < (coalesce(nullif($2, '')::date, now()::date) + 1)::timestamp "
              "AT TIME ZONE (SELECT timezone FROM gh.estate WHERE id = gh.my_estate()) "
              " ORDER BY v.requested_at DESC LIMIT 1000",
          {from, to});
      for (std::size_t i = 0; i < rows.size(); ++i) {
        auto j = visitJson(rows[i]);
        if (csv) {
          auto ts = [&](const char* k) -> std::string {
            auto v = rows[i].optInt64(k);
            if (!v) return "";
            std::time_t t = *v / 1000;
            std::tm tm{};
            gmtime_r(&t, &tm);
            char b[32];
            std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
            return b;
          };
          out += csvField(ts("requested_ms")) + "," + csvField(rows[i].text("visitor")) + "," +
                 csvField(rows[i].text("purpose")) + "," + csvField(rows[i].text("status")) + "," +
                 csvField(rows[i].text("decided_by")) + "," + csvField(ts("decided_ms")) + "," +
                 csvField(rows[i].text("channel")) + "," + csvField(ts("entered_ms")) + "," +
                 csvField(ts("exited_ms")) + "," + csvField(rows[i].text("kiosk")) + "\r\n";
        } else {
          list.push_back(std::move(j));
        }
      }
    });
    if (csv) {
      HttpResponse r;
      r.contentType = "text/csv; charset=utf-8";
      r.body = "\xEF\xBB\xBF" + out;  // BOM so spreadsheets read UTF-8
      r.header("Content-Disposition", "attachment; filename=\"visits.csv\"");
      return r;
    }
    return jsonResponse(200, {{"visits", list}});
  }

  HttpResponse photo(const Auth& a, const std::string& idText) {
    return photoAs(a.personId, idText, std::nullopt);
  }

  // The photo of the one visit a magic link is for (the link is checked, not used up).
  HttpResponse magicPhoto(const std::string& idText, const std::string& token) {
    auto claim = readMagicToken(secret, token, clock.unixSeconds());
    if (!claim) return errorResponse(404, "not_found");
    return photoAs(claim->personId, idText, claim->visitId);
  }

  HttpResponse photoAs(std::int64_t person, const std::string& idText,
                       const std::optional<Uuid>& onlyVisit) {
    auto id = Uuid::parse(idText);
    if (!id) return errorResponse(404, "not_found");
    HttpResponse r;
    bool found = false;
    asPerson(person, [&](Connection& c) {
      auto rows = c.execPrepared(
          "portal_photo",
          "SELECT e.content_type, e.data FROM gh.evidence e JOIN gh.visit v ON v.id = e.visit_id "
          "WHERE e.id = $1 AND e.kind IN ('entry_photo', 'exit_photo') AND v.unit_id = "
          "gh.my_unit() "
          "AND ($2::uuid IS NULL OR v.id = $2::uuid)",
          {*id, onlyVisit});
      if (rows.empty()) return;
      found = true;
      auto type = rows[0].text("content_type");
      if (type != "image/jpeg" && type != "image/png" && type != "image/webp")
        type = "application/octet-stream";
      r.contentType = type;
      auto bytes = rows[0].bytes("data");
      r.body.assign(bytes.begin(), bytes.end());
    });
    if (!found) return errorResponse(404, "not_found");
    r.header("Cache-Control", "private, max-age=3600");
    return r;
  }

  // --- invitations ---------------------------------------------------------------------------
  HttpResponse invitations(const Auth& a) {
    json list = json::array();
    asPerson(a.personId, [&](Connection& c) {
      auto rows = c.exec(std::string(kInvitationSelect) + " ORDER BY i.created_at DESC LIMIT 500");
      for (std::size_t i = 0; i < rows.size(); ++i) list.push_back(invitationJson(rows[i]));
    });
    return jsonResponse(200, {{"invitations", list}});
  }

  HttpResponse invitationOne(const Auth& a, const std::string& idText) {
    auto id = Uuid::parse(idText);
    if (!id) return errorResponse(404, "not_found");
    json inv, visits = json::array();
    bool found = false;
    asPerson(a.personId, [&](Connection& c) {
      auto rows = c.exec(std::string(kInvitationSelect) + " AND i.id = $1", {*id});
      if (rows.empty()) return;
      found = true;
      inv = invitationJson(rows[0]);
      auto vs = c.exec(
          std::string(kVisitSelect) + " AND v.invitation_id = $1 ORDER BY v.requested_at DESC",
          {*id});
      for (std::size_t i = 0; i < vs.size(); ++i) visits.push_back(visitJson(vs[i]));
    });
    if (!found) return errorResponse(404, "not_found");
    inv["visits"] = visits;
    return jsonResponse(200, {{"invitation", inv}});
  }

  struct NewInvite {
    std::string kind, eventName, guest, phone, dateFrom, dateUntil;
    int weekdays = 127, start = 0, end = 1440, maxUses = 1;
  };

  // Validates; returns an error code or "".
  static std::string validate(NewInvite& n) {
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

  static NewInvite inviteFromJson(const json& b) {
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

  HttpResponse createInvitation(const Auth& a, const json& body) {
    NewInvite n;
    try {
      n = inviteFromJson(body);
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
    asPerson(a.personId, [&](Connection& c) {
      auto id = insertInvitation(c, n);
      inv = invitationJson(c.exec(std::string(kInvitationSelect) + " AND i.id = $1", {id})[0]);
    });
    return jsonResponse(201, {{"invitation", inv}});
  }

  HttpResponse createEvent(const Auth& a, const json& body) {
    std::string eventName, date, csv;
    int start = -1, end = -1;
    try {
      eventName = trim(body.value("event_name", std::string()));
      date = body.value("date", std::string());
      csv = body.value("csv", std::string());
      start = parseHm(body.value("start", std::string("00:00")));
      end = parseHm(body.value("end", std::string("24:00")));
    } catch (const json::exception&) {
      return errorResponse(422, "invalid_input");
    }
    if (eventName.empty()) return errorResponse(422, "event_name_required");
    if (csv.size() > 256 * 1024) return errorResponse(422, "csv_too_large");
    auto rows = parseCsv(csv);
    if (!rows.empty() && !rows[0].empty()) {
      std::string h = rows[0][0];
      std::transform(h.begin(), h.end(), h.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (h == "name" || h == "guest" || h == "guest_name") rows.erase(rows.begin());
    }
    if (rows.empty()) return errorResponse(422, "csv_empty");
    if (rows.size() > 500) return errorResponse(422, "csv_too_many");
    std::vector<NewInvite> invites;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      NewInvite n;
      n.kind = "event";
      n.eventName = eventName;
      n.guest = rows[i].empty() ? "" : rows[i][0];
      n.phone = rows[i].size() > 1 ? rows[i][1] : "";
      n.dateFrom = n.dateUntil = date;
      n.start = start;
      n.end = end;
      n.maxUses = 1;
      if (auto err = validate(n); !err.empty()) return errorResponse(422, err, {{"line", i + 1}});
      invites.push_back(std::move(n));
    }
    json list = json::array();
    asPerson(a.personId, [&](Connection& c) {
      for (auto& n : invites) {
        auto id = insertInvitation(c, n);
        list.push_back(
            invitationJson(c.exec(std::string(kInvitationSelect) + " AND i.id = $1", {id})[0]));
      }
    });
    return jsonResponse(201, {{"invitations", list}});
  }

  std::optional<std::string> passText(Connection& c, const Uuid& id) {
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
    // The secret comes from the server's credential file, never from the database.
    auto ring = loadSigningKeyFile(signingKeyFilePath(cfg.signingKeyFile));
    if (!ring) throw backend::Error(ErrorKind::Internal, ring.error().message);
    const SigningKey* sk = findSigningKey(*ring, p.estateId, p.keyId);
    if (!sk)
      throw backend::Error(ErrorKind::Internal, "no signing key for this pass on the server");
    SecretKey key = sk->secret;
    auto text = encodePass(p, key);
    sodium_memzero_portable(key);
    return text;
  }
  static void sodium_memzero_portable(SecretKey& k) {
    volatile std::uint8_t* p = k.data();
    for (std::size_t i = 0; i < k.size(); ++i) p[i] = 0;
  }

  HttpResponse invitationQr(const Auth& a, const std::string& idText) {
    auto id = Uuid::parse(idText);
    if (!id) return errorResponse(404, "not_found");
    std::optional<std::string> text;
    std::string guest;
    asPerson(a.personId, [&](Connection& c) { text = passText(c, *id); });
    if (!text) return errorResponse(404, "not_found");
    HttpResponse r;
    r.contentType = "image/svg+xml";
    r.body = qrSvg(*text, "Gatehouse pass");
    r.header("Cache-Control", "private, no-cache");
    r.header("Content-Security-Policy-Report-Only", "default-src 'none'");
    return r;
  }

  HttpResponse revoke(const Auth& a, const std::string& idText) {
    auto id = Uuid::parse(idText);
    if (!id) return errorResponse(404, "not_found");
    std::optional<json> inv;
    bool already = false;
    asPerson(a.personId, [&](Connection& c) {
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
      inv = invitationJson(c.exec(std::string(kInvitationSelect) + " AND i.id = $1", {*id})[0]);
    });
    if (already) return errorResponse(409, "already_revoked");
    if (!inv) return errorResponse(404, "not_found");
    return jsonResponse(200, {{"invitation", *inv}});
  }

  // --- notifications -------------------------------------------------------------------------
  HttpResponse notifications(const Auth& a) {
    json list = json::array();
    std::int64_t unread = 0;
    asPerson(a.personId, [&](Connection& c) {
      auto rows = c.exec(
          "SELECT id, kind, payload::text AS payload, (extract(epoch FROM created_at) * "
          "1000)::bigint AS created_ms, "
          "read_at IS NOT NULL AS read FROM gh.notification WHERE person_id = "
          "gh.current_person_id() "
          "ORDER BY created_at DESC, id DESC LIMIT 50");
      for (std::size_t i = 0; i < rows.size(); ++i) {
        auto r = rows[i];
        json p = json::parse(r.text("payload"), nullptr, false);
        list.push_back({{"id", r.int64("id")},
                        {"kind", r.text("kind")},
                        {"payload", p.is_discarded() ? json::object() : p},
                        {"created_ms", r.int64("created_ms")},
                        {"read", r.boolean("read")}});
      }
      unread = c.exec(
                    "SELECT count(*) AS n FROM gh.notification WHERE person_id = "
                    "gh.current_person_id() AND read_at IS NULL")[0]
                   .int64("n");
    });
    return jsonResponse(200, {{"notifications", list}, {"unread", unread}});
  }

  HttpResponse markRead(const Auth& a, const json& body) {
    bool all = body.value("all", false);
    std::string ids = "{";
    if (body.contains("ids") && body["ids"].is_array()) {
      for (auto& v : body["ids"]) {
        if (!v.is_number_integer()) return errorResponse(422, "ids");
        if (ids.size() > 1) ids += ",";
        ids += std::to_string(v.get<std::int64_t>());
      }
    }
    ids += "}";
    asPerson(a.personId, [&](Connection& c) {
      c.exec(
          "UPDATE gh.notification SET read_at = now() WHERE person_id = gh.current_person_id() AND "
          "read_at IS NULL "
          "AND ($1 OR id = ANY($2::bigint[]))",
          {all, ids});
    });
    return notifications(a);
  }

  // --- magic links ---------------------------------------------------------------------------
  HttpResponse magic(const std::string& action, const json& body) {
    std::string token = body.value("token", std::string());
    auto claim = readMagicToken(secret, token, clock.unixSeconds());
    if (!claim) {
      if (claim.error().code == "expired") return errorResponse(410, "link_expired");
      return errorResponse(404, "invalid_link");
    }
    if (action == "view") {
      std::optional<json> v;
      asPerson(claim->personId, [&](Connection& c) { v = loadVisit(c, claim->visitId); });
      if (!v) return errorResponse(404, "invalid_link");
      return jsonResponse(200, {{"visit", *v}, {"expires_ms", claim->expires * 1000}});
    }
    if (action == "decide") {
      if (!body.contains("approve") || !body["approve"].is_boolean())
        return errorResponse(422, "approve");
      return decideAs(claim->personId, claim->visitId, body["approve"].get<bool>(), "magic_link",
                      claim->nonce);
    }
    return errorResponse(404, "not_found");
  }

  std::string magicLink(const Uuid& visit, std::int64_t person) const {
    MagicClaim c{visit, person, clock.unixSeconds() + cfg.magicLinkMinutes * 60, randomToken(12)};
    return makeMagicToken(secret, c);
  }

  // --- live events -----------------------------------------------------------------------------
  HttpHandlers::StreamDecision openStream(const HttpRequest& req) {
    const bool staff = req.path == "/api/staff/events";
    HttpHandlers::StreamDecision d;
    std::optional<Auth> a;
    try {
      a = staff ? authenticateAny(req) : authenticate(req);
    } catch (const backend::Error&) {
      dropDb();
      d.refuse = errorResponse(503, "database_unavailable");
      return d;
    }
    if (!a) {
      d.refuse = errorResponse(401, "signed_out");
      return d;
    }
    Auth who = *a;
    if (staff) {
      if (!isStaff(who)) {
        d.refuse = errorResponse(403, "forbidden");
        return d;
      }
      d.onOpen = [this, who](std::shared_ptr<SseStream> s) {
        s->send("retry: 3000\n\n");
        staffHub.add(StaffSubscriber{std::move(s), who.personId, who.estateId, who.tokenHash,
                                     who.expiresMs});
      };
      return d;
    }
    d.onOpen = [this, who](std::shared_ptr<SseStream> s) {
      s->send("retry: 3000\n\n");
      hub.add(Subscriber{std::move(s), who.personId, who.estateId, who.unitId, who.tokenHash,
                         who.expiresMs});
    };
    return d;
  }

  // One typed event (parsed once by the listener) fans out to staff and resident streams.
  void onNotify(const backend::Notification& n) {
    if (!n.event) return;
    const auto& e = *n.event;
    staffHub.publish(e);
    using K = backend::LiveEventKind;
    if (e.kind == K::VisitChanged || e.kind == K::EvidenceAdded) {
      if (!e.visitId) return;
      auto person = hub.personForUnit(e.estateId, e.unitId);
      if (!person) return;
      server->postWork([this, estate = e.estateId, unit = e.unitId, p = *person, id = *e.visitId] {
        pushVisit(estate, unit, p, id);
      });
    } else if (e.kind == K::NotificationQueued) {
      {
        std::lock_guard lock(mu);
        wake = true;
      }
      cv.notify_all();
      if (push) push->notification(e.notificationId);
      // A request's notification is implied by the visit event (the page counts it itself).
      if (e.detail != "visit_request" && hub.hasPerson(e.personId)) {
        server->postWork([this, person = e.personId] { pushUnread(person); });
      }
    }
  }

  void pushVisit(std::int64_t estate, std::int64_t unit, std::int64_t person, const Uuid& id) {
    try {
      std::optional<json> v;
      asPerson(person, [&](Connection& c) { v = loadVisit(c, id); });
      if (v)
        hub.publishUnit(estate, unit,
                        sseFrame("visit", v->dump(-1, ' ', false, json::error_handler_t::replace)));
    } catch (const backend::Error& e) {
      if (e.kind() == ErrorKind::ConnectionLost) dropDb();
      spdlog::warn("live event not delivered: {}", e.what());
    }
  }

  void pushUnread(std::int64_t person) {
    try {
      std::int64_t unread = 0;
      asPerson(person, [&](Connection& c) {
        unread = c.exec(
                      "SELECT count(*) AS n FROM gh.notification WHERE person_id = "
                      "gh.current_person_id() AND read_at IS NULL")[0]
                     .int64("n");
      });
      hub.publishPerson(person, sseFrame("notification", json{{"unread", unread}}.dump()));
    } catch (const backend::Error& e) {
      if (e.kind() == ErrorKind::ConnectionLost) dropDb();
    }
  }

  // --- delivery worker ---------------------------------------------------------------------------
  std::pair<OutboundEmail, json> compose(const backend::Row& r) {
    auto kind = r.text("kind");
    json payload = json::parse(r.text("payload"), nullptr, false);
    if (payload.is_discarded()) payload = json::object();
    std::string visitor = payload.contains("visitor") && payload["visitor"].is_string()
                              ? oneLineQuoted(payload["visitor"].get<std::string>())
                              : std::string("a visitor");
    OutboundEmail mail;
    mail.to = r.text("target");
    json hook{{"delivery", r.int64("id")},
              {"notification", r.int64("notification_id")},
              {"kind", kind},
              {"person", r.int64("person_id")},
              {"unit", r.text("unit_label")},
              {"payload", payload}};
    std::string greeting = "Hello " + r.text("full_name") + ",\n\n";
    if (kind == "visit_request") {
      std::string link;
      if (auto visit = Uuid::parse(payload.value("visit", std::string()))) {
        link = baseUrl + "/m#" + magicLink(*visit, r.int64("person_id"));
        hook["magic_link"] = link;
      }
      mail.subject = "Visitor at the gate: " + visitor;
      mail.body = greeting + visitor + " is at " + payload.value("kiosk", std::string("the gate")) +
                  " asking to visit you" +
                  (payload.value("purpose", std::string()).empty()
                       ? ""
                       : " (" + oneLineQuoted(payload.value("purpose", std::string())) + ")") +
                  ".\n\nApprove or deny (no password needed, valid " +
                  std::to_string(cfg.magicLinkMinutes) + " minutes, works once):\n" + link + "\n";
    } else if (kind == "visit_decided") {
      std::string status = payload.value("status", std::string());
      mail.subject = "Visitor " + status + ": " + visitor;
      mail.body = greeting + visitor + " was " + status +
                  (payload.contains("by") && payload["by"].is_string()
                       ? " by " + payload["by"].get<std::string>()
                       : "") +
                  ".\n";
    } else if (kind == "visitor_arrived" || kind == "guest_arrived") {
      mail.subject = "Arrived: " + visitor;
      mail.body = greeting + visitor + " has arrived.\n";
    } else if (kind == "visit_escalated") {
      mail.subject = "Handed to the guard: " + visitor;
      mail.body = greeting + visitor + " waited without an answer and was handed to the guard.\n";
    } else if (kind == "overstay") {
      mail.subject = "Overstay: " + visitor;
      mail.body = greeting + visitor + " has stayed past the expected exit time.\n";
    } else {
      mail.subject = "Gatehouse: " + kind;
      mail.body = greeting + "Something happened: " + kind + ".\n";
    }
    mail.body += "\n" + baseUrl + "/\n";
    hook["text"] = mail.body;
    return {mail, hook};
  }

  void deliveryLoop() {
    std::unique_ptr<Connection> conn;
    for (;;) {
      {
        std::lock_guard lock(mu);
        if (stopping) return;
      }
      std::size_t handled = 0;
      try {
        if (!conn) conn = std::make_unique<Connection>(cfg.databaseUrl);
        auto rows = conn->exec("SELECT * FROM gh.portal_delivery_claim(20, interval '2 minutes')");
        handled = rows.size();
        for (std::size_t i = 0; i < rows.size(); ++i) {
          auto r = rows[i];
          auto [mail, hook] = compose(r);
          std::string err;
          if (r.text("channel") == "email") {
            err = sendEmail(cfg, mail);
          } else {
            err = postWebhook(cfg, r.text("target"),
                              hook.dump(-1, ' ', false, json::error_handler_t::replace),
                              clock.unixSeconds());
          }
          auto attempts = r.int64("attempts");
          double retry = cfg.deliveryRetrySeconds *
                         static_cast<double>(1LL << std::min<std::int64_t>(attempts - 1, 10));
          // A channel this server does not have is not worth retrying.
          bool hopeless = r.text("channel") == "email" && cfg.smtpUrl.empty();
          conn->exec(
              "SELECT gh.portal_delivery_done($1, $2, $3, make_interval(secs => $4), $5)",
              {r.int64("id"), err.empty(), err, retry, hopeless ? 1 : cfg.deliveryMaxAttempts});
          if (!err.empty() && !hopeless)
            spdlog::warn("delivery {} via {} failed (attempt {}): {}", r.int64("id"),
                         r.text("channel"), attempts, err);
        }
      } catch (const std::exception& e) {
        spdlog::warn("delivery worker: {}", e.what());
        conn.reset();
      }
      if (handled == 0) {
        std::unique_lock lock(mu);
        cv.wait_for(lock, std::chrono::seconds(1), [this] { return stopping || wake; });
        wake = false;
      }
    }
  }

  void heartbeatLoop() {
    std::unique_lock lock(mu);
    while (!stopping) {
      cv.wait_for(lock, std::chrono::seconds(std::max(1, cfg.streamPingSeconds)),
                  [this] { return stopping; });
      if (stopping) break;
      lock.unlock();
      const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
      hub.closeExpired(nowMs);
      staffHub.closeExpired(nowMs);
      hub.publishAll(":\n\n");
      staffHub.ping();
      lock.lock();
    }
  }
};

Portal::Portal(PortalConfig config, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(config), clock)) {
  auto& m = *impl_;
  // Installed (<prefix>/share/gatehouse/web) first, then the source tree as before.
  if (m.cfg.webRoot.empty()) m.cfg.webRoot = installedDataPath("web");
  if (m.cfg.webRoot.empty()) m.cfg.webRoot = GATEHOUSE_PORTAL_WEB_DIR;
  m.secret = m.cfg.secret;
  if (m.secret.empty()) {
    spdlog::warn(
        "no portal secret configured (GATEHOUSE_PORTAL_SECRET): magic links die with this process");
    m.secret = randomToken(32);
  }
  if (m.cfg.webhookSecret.empty()) m.cfg.webhookSecret = m.secret;
  m.dummyHash = hashPassword(randomToken(16));
  if (!m.cfg.vapidKeyFile.empty()) {
    auto keys = VapidKeys::load(m.cfg.vapidKeyFile);
    if (!keys) throw std::runtime_error(keys.error().message);
    Impl* self = impl_.get();
    m.push = std::make_unique<PushService>(
        m.cfg, std::move(keys.value()),
        [self](const std::string& kind, const std::string& payload, const PushTarget& t) {
          return self->composeForDevice(kind, payload, t);
        });
  }
}

Portal::~Portal() { stop(std::chrono::milliseconds(0)); }

void Portal::start() {
  auto& m = *impl_;
  if (m.cfg.databaseUrl.empty())
    throw std::runtime_error("no database URL (GATEHOUSE_DATABASE_URL or [database] url)");
  m.files = std::make_unique<StaticFiles>(m.cfg.webRoot);
  if (m.files->count() == 0) spdlog::warn("no web files found in '{}'", m.cfg.webRoot);
  if (!spdlog::get("access")) {
    auto logger = spdlog::default_logger()->clone("access");
    spdlog::register_logger(logger);
  }
  spdlog::get("access")->set_level(m.cfg.accessLog ? spdlog::level::info : spdlog::level::off);

  HttpServerOptions o;
  o.address = m.cfg.address;
  o.port = m.cfg.port;
  o.ioThreads = m.cfg.ioThreads;
  o.workerThreads = m.cfg.workerThreads;
  o.tlsCertFile = m.cfg.tlsCert;
  o.tlsKeyFile = m.cfg.tlsKey;
  o.trustedProxies = m.cfg.trustedProxies;
  o.maxConnectionsPerAddress = static_cast<std::size_t>(m.cfg.maxConnectionsPerAddress);
  m.hub.setStreamsPerSession(static_cast<std::size_t>(m.cfg.maxStreamsPerSession));
  HttpHandlers h;
  Impl* self = impl_.get();
  h.handleInline = [self](const HttpRequest& r) { return self->handleInline(r); };
  h.handle = [self](const HttpRequest& r) { return self->handle(r); };
  h.isStream = [](const HttpRequest& r) {
    return r.method == "GET" && (r.path == "/api/events" || r.path == "/api/staff/events");
  };
  h.openStream = [self](const HttpRequest& r) { return self->openStream(r); };
  h.decorate = [self](const HttpRequest& r, HttpResponse& resp) { self->decorate(r, resp); };
  m.server = std::make_unique<HttpServer>(o, std::move(h));

  m.listener = std::make_unique<backend::Listener>(
      m.cfg.databaseUrl, "gatehouse", [self](const backend::Notification& n) { self->onNotify(n); },
      [self] {
        self->hub.publishAll(sseFrame("resync", "{}"));
        self->staffHub.resync();
        {
          std::lock_guard lock(self->mu);
          self->wake = true;
        }
        self->cv.notify_all();
      });
  if (!m.listener->waitConnected(std::chrono::seconds(5)))
    spdlog::warn("event listener not connected yet; it keeps retrying");
  m.server->start();
  std::string scheme = m.server->tls() ? "https" : "http";
  m.baseUrl = m.cfg.publicUrl.empty()
                  ? scheme + "://" +
                        (m.cfg.address == "0.0.0.0" ? std::string("127.0.0.1") : m.cfg.address) +
                        ":" + std::to_string(m.server->port())
                  : m.cfg.publicUrl;
  while (!m.baseUrl.empty() && m.baseUrl.back() == '/') m.baseUrl.pop_back();
  {
    std::lock_guard lock(m.mu);
    m.stopping = false;
  }
  m.deliveryThread = std::thread([self] { self->deliveryLoop(); });
  if (m.push) m.push->start();
  m.heartbeatThread = std::thread([self] { self->heartbeatLoop(); });
}

void Portal::stop(std::chrono::milliseconds grace) {
  auto& m = *impl_;
  {
    std::lock_guard lock(m.mu);
    m.stopping = true;
  }
  m.cv.notify_all();
  m.hub.closeAll();
  m.staffHub.closeAll();
  if (m.server) m.server->stop(grace);
  m.listener.reset();
  if (m.deliveryThread.joinable()) m.deliveryThread.join();
  if (m.push) m.push->stop();
  if (m.heartbeatThread.joinable()) m.heartbeatThread.join();
  m.server.reset();
}

std::uint16_t Portal::port() const { return impl_->server ? impl_->server->port() : 0; }
std::string Portal::url() const { return impl_->baseUrl; }
bool Portal::reloadTls(std::string& error) {
  if (!impl_->server) {
    error = "portal not started";
    return false;
  }
  return impl_->server->reloadTls(error);
}
std::size_t Portal::openStreams() const { return impl_->server ? impl_->server->openStreams() : 0; }
const PortalConfig& Portal::config() const { return impl_->cfg; }
std::string Portal::magicLinkToken(const Uuid& visitId, std::int64_t personId) const {
  return impl_->magicLink(visitId, personId);
}
std::string Portal::pushActionToken(const Uuid& visitId, std::int64_t personId,
                                    std::int64_t subscriptionId) const {
  MagicClaim c{visitId, personId, impl_->clock.unixSeconds() + impl_->cfg.magicLinkMinutes * 60,
               pushNonce(subscriptionId, randomToken(12))};
  return makeMagicToken(impl_->secret, c);
}

}  // namespace gatehouse::portal
