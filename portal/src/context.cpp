// The shared context of resource handlers: per-thread connections, sessions, replies.
#include "context.hpp"

#include <algorithm>
#include <atomic>
#include <regex>

#include "gatehouse/core/base64url.hpp"
#include "gatehouse/core/password.hpp"
#include "push.hpp"

namespace gatehouse::portal {

namespace {
std::atomic<std::uint64_t> gSerial{1};

std::unordered_map<std::uint64_t, std::unique_ptr<backend::Connection>>& threadConnections() {
  thread_local std::unordered_map<std::uint64_t, std::unique_ptr<backend::Connection>> conns;
  return conns;
}
}  // namespace

Context::Context(PortalConfig c, const Clock& clk)
    : cfg(std::move(c)),
      clock(clk),
      throttle(std::max(1, cfg.loginPerMinutePerAddress)),
      serial_(gSerial.fetch_add(1)) {}

Context::~Context() = default;

backend::Connection& Context::db() {
  auto& c = threadConnections()[serial_];
  if (!c) c = std::make_unique<backend::Connection>(cfg.databaseUrl);
  return *c;
}

void Context::dropDb() { threadConnections().erase(serial_); }

std::optional<Auth> Context::authenticate(const HttpRequest& req) {
  auto token = req.cookie(kSessionCookie);
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

std::string Context::cookieHeader(const std::string& value, long maxAge, bool tls) const {
  std::string c = std::string(kSessionCookie) + "=" + value +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(maxAge);
  if (tls || cfg.cookieSecure) c += "; Secure";
  return c;
}

std::string Context::magicLink(const Uuid& visit, std::int64_t person) const {
  MagicClaim c{visit, person, clock.unixSeconds() + cfg.magicLinkMinutes * 60, randomToken(12)};
  return makeMagicToken(secret, c);
}

HttpResponse jsonResponse(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse errorResponse(int status, const std::string& code, json extra) {
  extra["error"] = code;
  return jsonResponse(status, extra);
}

HttpResponse rateLimited(int waitSeconds) {
  auto r = errorResponse(429, "rate_limited", {{"retry_after_s", waitSeconds}});
  r.header("Retry-After", std::to_string(waitSeconds));
  return r;
}

std::string trim(std::string s) {
  auto notSpace = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
  s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
  return s;
}

std::size_t utf8Length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool isDate(const std::string& s) {
  static const std::regex re(R"(^\d{4}-\d{2}-\d{2}$)");
  return std::regex_match(s, re);
}

}  // namespace gatehouse::portal
