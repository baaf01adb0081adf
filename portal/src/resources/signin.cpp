// Sign-in resource: login (with lockout and throttling), logout, the account (me, channels),
// and the password reset by e-mailed link.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "../push.hpp"
#include "../route_table.hpp"
#include "gatehouse/core/base64url.hpp"
#include "gatehouse/core/password.hpp"

namespace gatehouse::portal {

namespace {

using Access = RouteTable::Access;

bool unknownLocked(Context& ctx, const std::string& key) {
  std::lock_guard lock(ctx.unknown.mu);
  auto it = ctx.unknown.failures.find(key);
  return it != ctx.unknown.failures.end() && it->second.first >= ctx.cfg.loginMaxFailures &&
         std::chrono::steady_clock::now() < it->second.second;
}

bool unknownFailed(Context& ctx, const std::string& key) {
  std::lock_guard lock(ctx.unknown.mu);
  auto& failures = ctx.unknown.failures;
  if (failures.size() > 100000) failures.clear();
  auto& e = failures[key];
  const int max = ctx.cfg.loginMaxFailures;
  if (std::chrono::steady_clock::now() >= e.second && e.first >= max) e.first = 0;
  ++e.first;
  if (e.first >= max)
    e.second = std::chrono::steady_clock::now() + std::chrono::minutes(ctx.cfg.lockMinutes);
  return e.first >= max;
}

HttpResponse lockedResponse(std::int64_t untilMs) {
  return errorResponse(423, "locked", {{"until_ms", untilMs}});
}

HttpResponse me(Context& ctx, const Auth& a) {
  json j{{"id", a.personId}, {"name", a.name}, {"csrf", a.csrf}, {"role", a.role}};
  ctx.asPerson(a.personId, [&](backend::Connection& c) {
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
  j["channels_available"] = {{"email", !ctx.cfg.smtpUrl.empty()},
                             {"push", ctx.push != nullptr},
                             {"sms", !ctx.cfg.smsWebhookUrl.empty()}};
  return jsonResponse(200, j);
}

HttpResponse unknownAccount(Context& ctx, const std::string& key, const std::string& password) {
  // Same work and same answers as for a real account, so nothing reveals who exists.
  const auto lockedUntil = ctx.clock.unixSeconds() * 1000 + ctx.cfg.lockMinutes * 60000;
  if (unknownLocked(ctx, key)) return lockedResponse(lockedUntil);
  verifyPassword(ctx.dummyHash, password);
  if (unknownFailed(ctx, key)) return lockedResponse(lockedUntil);
  return errorResponse(401, "invalid_credentials");
}

HttpResponse startSession(Context& ctx, const HttpRequest& req, std::int64_t person) {
  std::string token = randomToken(32);
  std::string csrf = randomToken(24);
  ctx.db().exec("SELECT gh.portal_session_create($1, $2, $3, make_interval(hours => $4), $5)",
                {person, sha256Hex(token), csrf, ctx.cfg.sessionHours, req.header("user-agent")});
  HttpRequest withCookie = req;
  withCookie.headers["cookie"] = std::string(kSessionCookie) + "=" + token;
  auto a = ctx.authenticate(withCookie);
  if (!a || a->role != "resident") return errorResponse(403, "residents_only");
  auto r = me(ctx, *a);
  r.header("Set-Cookie",
           ctx.cookieHeader(token, static_cast<long>(ctx.cfg.sessionHours) * 3600, req.tls));
  r.logUser = std::to_string(person);
  return r;
}

HttpResponse login(Context& ctx, const Call& call) {
  const auto& req = call.req;
  if (int wait = ctx.throttle.attempt("login:" + req.remoteAddr, std::chrono::steady_clock::now()))
    return rateLimited(wait);
  std::string email = trim(call.body.value("email", std::string()));
  std::string password = call.body.value("password", std::string());
  if (email.empty() || email.size() > 254 || password.empty() || password.size() > 1024)
    return errorResponse(401, "invalid_credentials");
  std::string key = email;
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return std::tolower(c); });

  auto rows = ctx.db().execPrepared(
      "portal_auth_lookup",
      "SELECT person_id, role::text AS role, password_hash, locked_until > now() AS locked, "
      "(extract(epoch FROM locked_until) * 1000)::bigint AS until_ms FROM gh.auth_lookup($1)",
      {email});
  if (rows.empty()) return unknownAccount(ctx, key, password);
  auto row = rows[0];
  auto person = row.int64("person_id");
  if (!row.isNull("locked") && row.boolean("locked")) return lockedResponse(row.int64("until_ms"));
  auto hash = row.text("password_hash");
  bool ok = !hash.empty() ? verifyPassword(hash, password)
                          : (verifyPassword(ctx.dummyHash, password), false);
  auto rec = ctx.db().exec(
      "SELECT (extract(epoch FROM gh.auth_record($1, $2, $3, make_interval(mins => $4))) * "
      "1000)::bigint AS until_ms",
      {person, ok, ctx.cfg.loginMaxFailures, ctx.cfg.lockMinutes});
  if (!ok) {
    if (auto until = rec[0].optInt64("until_ms")) return lockedResponse(*until);
    return errorResponse(401, "invalid_credentials");
  }
  if (row.text("role") != "resident") return errorResponse(403, "residents_only");
  return startSession(ctx, req, person);
}

HttpResponse logout(Context& ctx, const Call& call) {
  ctx.db().exec("SELECT gh.portal_session_delete($1)", {call.auth->tokenHash});
  ctx.hub.closeSession(call.auth->tokenHash);
  ctx.staffHub.closeSession(call.auth->tokenHash);
  auto r = jsonResponse(200, {{"status", "signed_out"}});
  r.header("Set-Cookie", ctx.cookieHeader("", 0, call.req.tls));
  return r;
}

HttpResponse setChannels(Context& ctx, const Call& call) {
  bool notifyEmail = call.body.value("notify_email", true);
  std::string url = trim(call.body.value("webhook_url", std::string()));
  if (!url.empty()) {
    bool ok = url.size() <= 500 && (url.rfind("https://", 0) == 0 ||
                                    (ctx.cfg.webhookAllowHttp && url.rfind("http://", 0) == 0));
    if (!ok) return errorResponse(422, "webhook_url");
  }
  ctx.asPerson(call.auth->personId, [&](backend::Connection& c) {
    c.exec(
        "UPDATE gh.person SET notify_email = $1, webhook_url = nullif($2, '') WHERE id = "
        "gh.current_person_id()",
        {notifyEmail, url});
  });
  return me(ctx, *call.auth);
}

OutboundEmail resetMail(Context& ctx, const backend::Row& who, const std::string& token) {
  return {who.text("email"), "Reset your Gatehouse password",
          "Hello " + who.text("full_name") +
              ",\n\nTo choose a new password, open this link within " +
              std::to_string(ctx.cfg.resetLinkMinutes) + " minutes:\n\n" + ctx.baseUrl + "/reset#" +
              token + "\n\nIf you did not ask for this, ignore this email.\n"};
}

HttpResponse forgot(Context& ctx, const Call& call) {
  if (int wait =
          ctx.throttle.attempt("forgot:" + call.req.remoteAddr, std::chrono::steady_clock::now()))
    return rateLimited(wait);
  std::string email = trim(call.body.value("email", std::string()));
  if (!email.empty() && email.size() <= 254) {
    std::string token = randomToken(32);
    auto rows =
        ctx.db().exec("SELECT * FROM gh.portal_reset_create($1, $2, make_interval(mins => $3))",
                      {email, sha256Hex(token), ctx.cfg.resetLinkMinutes});
    if (!rows.empty()) {
      // Sent in the background so the answer takes the same time for unknown addresses.
      ctx.postWork([&ctx, mail = resetMail(ctx, rows[0], token)] {
        auto err = sendEmail(ctx.cfg, mail);
        if (!err.empty()) spdlog::warn("password reset email not sent: {}", err);
      });
    }
  }
  return jsonResponse(202, {{"status", "sent_if_known"}});
}

HttpResponse reset(Context& ctx, const Call& call) {
  std::string token = call.body.value("token", std::string());
  std::string password = call.body.value("password", std::string());
  if (utf8Length(password) < 10 || password.size() > 1024)
    return errorResponse(422, "password_too_short");
  if (token.empty() || token.size() > 100) return errorResponse(400, "invalid_link");
  auto rows = ctx.db().exec("SELECT gh.portal_reset_consume($1, $2) AS person",
                            {sha256Hex(token), hashPassword(password)});
  if (rows.empty() || rows[0].isNull("person")) return errorResponse(400, "invalid_link");
  ctx.hub.closePerson(rows[0].int64("person"));  // every session of theirs ended
  return jsonResponse(200, {{"status", "password_changed"}});
}

}  // namespace

void addSignInRoutes(RouteTable& t) {
  t.add("POST", "/api/login", Access::Public, login);
  t.add("POST", "/api/password/forgot", Access::Public, forgot);
  t.add("POST", "/api/password/reset", Access::Public, reset);
  t.add("GET", "/api/me", Access::SignedIn,
        [](Context& ctx, const Call& c) { return me(ctx, *c.auth); });
  t.add("POST", "/api/logout", Access::SignedIn, logout);
  t.add("POST", "/api/me/channels", Access::Resident, setChannels);
}

}  // namespace gatehouse::portal
