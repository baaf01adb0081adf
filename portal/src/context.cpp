// The shared context of resource handlers: per-thread connections, sessions, replies.
#include "context.hpp"

#include <algorithm>
#include <atomic>
#include <regex>

#include "gatehouse/backend/sign_in_client.hpp"
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
  auto s = backend::SignInClient(db()).session(hash);
  if (!s) return std::nullopt;
  Auth a;
  a.personId = s->personId;
  a.estateId = s->estateId;
  a.unitId = s->unitId.value_or(0);
  a.role = s->role;
  a.name = s->fullName;
  a.csrf = s->csrf;
  a.tokenHash = hash;
  a.expiresMs = msOf(s->expiresAt);
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
  r.body = dumpJson(body);
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

HttpResponse badField(const std::string& field) {
  return errorResponse(400, "bad_field", {{"field", field}});
}

bool readField(const json& body, const char* name, std::string& out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

bool readField(const json& body, const char* name, bool& out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_boolean()) return false;
  out = it->get<bool>();
  return true;
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
