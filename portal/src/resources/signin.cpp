// Sign-in resource: login (with lockout and throttling), logout, the account (me, channels),
// and the password reset by e-mailed link.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "../push.hpp"
#include "../route_table.hpp"
#include "../totp.hpp"
#include "gatehouse/backend/resident_client.hpp"
#include "gatehouse/backend/sign_in_client.hpp"
#include "gatehouse/core/base64url.hpp"
#include "gatehouse/core/password.hpp"

namespace gatehouse::portal {

namespace {

using Access = RouteTable::Access;
using backend::SignInClient;
backend::LockoutPolicy policy(const Context& ctx) {
  return {ctx.cfg.loginMaxFailures, std::chrono::minutes(ctx.cfg.lockMinutes)};
}

HttpResponse lockedResponse(Clock::time_point until) {
  return errorResponse(423, "locked", {{"until_ms", msOf(until)}});
}

// Every counted failure says how many are left, so the page can warn before the last one.
HttpResponse invalidCredentials(int attemptsLeft) {
  return errorResponse(401, "invalid_credentials", {{"attempts_left", attemptsLeft}});
}

// Addresses with no account (and staff accounts on the resident page) count failures in
// memory with the database's policy, so their answers cannot be told from a real account's.
HttpResponse unknownAccount(Context& ctx, const std::string& key, const std::string& password) {
  const auto now = ctx.clock.now();
  if (auto until = ctx.unknown.lockedUntil(key, now)) return lockedResponse(*until);
  verifyPassword(ctx.dummyHash, password);  // the same work as for a real account
  auto outcome = ctx.unknown.recordFailure(key, now, policy(ctx));
  if (outcome.lockedUntil) return lockedResponse(*outcome.lockedUntil);
  return invalidCredentials(outcome.attemptsLeft);
}

HttpResponse me(Context& ctx, const Auth& a) {
  json j{{"id", a.personId},
         {"name", a.name},
         {"csrf", a.csrf},
         {"role", a.role},
         {"estate_id", a.estateId}};
  std::optional<backend::ResidentProfile> profile;
  ctx.asPerson(a.personId,
               [&](backend::Connection& c) { profile = backend::ResidentClient(c).profile(); });
  if (profile) {
    if (profile->unitLabel)
      j.update({{"unit", *profile->unitLabel}, {"building", profile->building.value_or("")}});
    j.update({{"estate", profile->estate},
              {"timezone", profile->timezone},
              {"email", profile->email},
              {"notify_email", profile->notifyEmail},
              {"webhook_url", profile->webhookUrl}});
  }
  // Only channels this server can deliver are offered.
  j["channels_available"] = {{"email", !ctx.cfg.smtpUrl.empty()},
                             {"push", ctx.push != nullptr},
                             {"sms", !ctx.cfg.smsWebhookUrl.empty()}};
  return jsonResponse(200, j);
}

HttpResponse startSession(Context& ctx, const HttpRequest& req, std::int64_t person) {
  std::string token = randomToken(32);
  SignInClient(ctx.db()).createSession(person, sha256Hex(token), randomToken(24),
                                       std::chrono::hours(ctx.cfg.sessionHours),
                                       req.header("user-agent"));
  HttpRequest withCookie = req;
  withCookie.headers["cookie"] = std::string(kSessionCookie) + "=" + token;
  auto a = ctx.authenticate(withCookie);
  if (!a) return errorResponse(401, "invalid_credentials");
  auto r = me(ctx, *a);
  r.header("Set-Cookie",
           ctx.cookieHeader(token, static_cast<long>(ctx.cfg.sessionHours) * 3600, req.tls));
  r.logUser = std::to_string(person);
  return r;
}

// Staff always need a second factor; residents when they enrolled one. A code is good once.
bool secondFactorOk(Context& ctx, SignInClient& signIn, const backend::Account& account,
                    const std::string& code) {
  if (account.role == "resident" && account.totpSecret.empty()) return true;
  if (account.totpSecret.empty()) return false;
  auto step = matchTotp(account.totpSecret, trim(code), ctx.clock.unixSeconds());
  return step && signIn.acceptTotpStep(account.personId, *step);
}

struct Credentials {
  std::string email, password, totp, client;
};

HttpResponse login(Context& ctx, const Call& call) {
  const auto& req = call.req;
  if (int wait = ctx.throttle.attempt("login:" + req.remoteAddr, std::chrono::steady_clock::now()))
    return rateLimited(wait);
  Credentials in;
  for (auto [name, out] : {std::pair{"email", &in.email},
                           {"password", &in.password},
                           {"totp", &in.totp},
                           {"client", &in.client}})
    if (!readField(call.body, name, *out)) return badField(name);
  const std::string email = trim(in.email);
  if (email.empty() || email.size() > 254 || in.password.empty() || in.password.size() > 1024)
    return errorResponse(401, "invalid_credentials");
  std::string key = email;
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return std::tolower(c); });

  SignInClient signIn(ctx.db());
  auto account = signIn.lookup(email);
  // On the resident page a staff account is nobody: the same answers, nothing recorded.
  if (!account || (in.client == "resident" && account->role != "resident"))
    return unknownAccount(ctx, key, in.password);
  if (account->lockedUntil) return lockedResponse(*account->lockedUntil);
  const auto& hash = account->passwordHash;
  bool ok = !hash.empty() ? verifyPassword(hash, in.password)
                          : (verifyPassword(ctx.dummyHash, in.password), false);
  ok = ok && secondFactorOk(ctx, signIn, *account, in.totp);
  auto outcome = signIn.recordAttempt(account->personId, ok, policy(ctx));
  if (!ok) {
    if (outcome.lockedUntil) return lockedResponse(*outcome.lockedUntil);
    return invalidCredentials(outcome.attemptsLeft);
  }
  return startSession(ctx, req, account->personId);
}

HttpResponse logout(Context& ctx, const Call& call) {
  SignInClient(ctx.db()).deleteSession(call.auth->tokenHash);
  ctx.hub.closeSession(call.auth->tokenHash);
  ctx.staffHub.closeSession(call.auth->tokenHash);
  auto r = jsonResponse(200, {{"status", "signed_out"}});
  r.header("Set-Cookie", ctx.cookieHeader("", 0, call.req.tls));
  return r;
}

HttpResponse setChannels(Context& ctx, const Call& call) {
  bool notifyEmail = true;
  std::string url;
  if (!readField(call.body, "notify_email", notifyEmail)) return badField("notify_email");
  if (!readField(call.body, "webhook_url", url)) return badField("webhook_url");
  url = trim(url);
  if (!url.empty()) {
    bool ok = url.size() <= 500 && (url.rfind("https://", 0) == 0 ||
                                    (ctx.cfg.webhookAllowHttp && url.rfind("http://", 0) == 0));
    if (!ok) return errorResponse(422, "webhook_url");
  }
  ctx.asPerson(call.auth->personId, [&](backend::Connection& c) {
    backend::ResidentClient(c).setChannels(notifyEmail, url);
  });
  return me(ctx, *call.auth);
}

OutboundEmail resetMail(Context& ctx, const backend::ResetRecipient& who,
                        const std::string& token) {
  return {who.email, "Reset your Gatehouse password",
          "Hello " + who.fullName + ",\n\nTo choose a new password, open this link within " +
              std::to_string(ctx.cfg.resetLinkMinutes) + " minutes:\n\n" + ctx.baseUrl + "/reset#" +
              token + "\n\nIf you did not ask for this, ignore this email.\n"};
}

HttpResponse forgot(Context& ctx, const Call& call) {
  if (int wait =
          ctx.throttle.attempt("forgot:" + call.req.remoteAddr, std::chrono::steady_clock::now()))
    return rateLimited(wait);
  std::string email;
  if (!readField(call.body, "email", email)) return badField("email");
  email = trim(email);
  if (!email.empty() && email.size() <= 254) {
    std::string token = randomToken(32);
    auto who = SignInClient(ctx.db()).createReset(email, sha256Hex(token),
                                                  std::chrono::minutes(ctx.cfg.resetLinkMinutes));
    if (who) {
      // Sent in the background so the answer takes the same time for unknown addresses.
      ctx.postWork([&ctx, mail = resetMail(ctx, *who, token)] {
        auto err = sendEmail(ctx.cfg, mail);
        if (!err.empty()) spdlog::warn("password reset email not sent: {}", err);
      });
    }
  }
  return jsonResponse(202, {{"status", "sent_if_known"}});
}

HttpResponse reset(Context& ctx, const Call& call) {
  if (int wait =
          ctx.throttle.attempt("reset:" + call.req.remoteAddr, std::chrono::steady_clock::now()))
    return rateLimited(wait);
  std::string token, password;
  if (!readField(call.body, "token", token)) return badField("token");
  if (!readField(call.body, "password", password)) return badField("password");
  if (token.empty() || token.size() > 100) return errorResponse(400, "invalid_link");
  SignInClient signIn(ctx.db());
  // The token first: nothing is hashed (64 MiB, 0.1 s) for a request that cannot succeed.
  if (!signIn.resetTokenValid(sha256Hex(token))) return errorResponse(400, "invalid_link");
  if (utf8Length(password) < 10 || password.size() > 1024)
    return errorResponse(422, "password_too_short");
  auto person = signIn.consumeReset(sha256Hex(token), hashPassword(password));
  if (!person) return errorResponse(400, "invalid_link");
  ctx.hub.closePerson(*person);  // every session of theirs ended
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
