// The server's sign-in queries over the SECURITY DEFINER functions of 0100, 0301 and 0711.
#include "gatehouse/backend/sign_in_client.hpp"

namespace gatehouse::backend {

namespace {

std::optional<TimePoint> fromMs(const std::optional<std::int64_t>& ms) {
  if (!ms) return std::nullopt;
  return TimePoint{std::chrono::milliseconds(*ms)};
}

}  // namespace

std::optional<Account> SignInClient::lookup(const std::string& email) {
  auto rows = c_.execPrepared(
      "signin_lookup",
      "SELECT person_id, role::text AS role, password_hash, totp_secret, "
      "CASE WHEN locked_until > now() THEN (floor(extract(epoch FROM locked_until)) * "
      "1000)::bigint END AS until_ms FROM gh.auth_lookup($1)",
      {email});
  if (rows.empty()) return std::nullopt;
  auto r = rows[0];
  return Account{r.int64("person_id"), r.text("role"), r.text("password_hash"),
                 r.text("totp_secret"), fromMs(r.optInt64("until_ms"))};
}

AttemptOutcome SignInClient::recordAttempt(std::int64_t person, bool success,
                                           const LockoutPolicy& policy) {
  auto rows = c_.execPrepared(
      "signin_attempt",
      "SELECT until_ms, attempts_left FROM gh.auth_attempt($1, $2, $3, make_interval(mins => $4))",
      {person, success, policy.maxFailures, static_cast<std::int64_t>(policy.lock.count())});
  if (rows.empty()) return {};
  return {fromMs(rows[0].optInt64("until_ms")), static_cast<int>(rows[0].int64("attempts_left"))};
}

bool SignInClient::acceptTotpStep(std::int64_t person, std::int64_t step) {
  return c_
      .execPrepared("signin_totp", "SELECT gh.auth_totp_accept($1, $2) AS ok", {person, step})[0]
      .boolean("ok");
}

void SignInClient::createSession(std::int64_t person, const std::string& tokenHash,
                                 const std::string& csrf, std::chrono::hours lifetime,
                                 const std::string& userAgent) {
  c_.exec("SELECT gh.portal_session_create($1, $2, $3, make_interval(hours => $4), $5)",
          {person, tokenHash, csrf, static_cast<std::int64_t>(lifetime.count()), userAgent});
}

std::optional<SessionRecord> SignInClient::session(const std::string& tokenHash) {
  auto rows = c_.execPrepared("portal_session_get",
                              "SELECT *, (extract(epoch FROM expires_at) * 1000)::bigint AS "
                              "expires_ms FROM gh.portal_session_get($1)",
                              {tokenHash});
  if (rows.empty()) return std::nullopt;
  auto r = rows[0];
  return SessionRecord{r.int64("person_id"),
                       r.int64("estate_id"),
                       r.optInt64("unit_id"),
                       r.text("role"),
                       r.text("full_name"),
                       r.text("csrf_token"),
                       TimePoint{std::chrono::milliseconds(r.int64("expires_ms"))}};
}

void SignInClient::deleteSession(const std::string& tokenHash) {
  c_.exec("SELECT gh.portal_session_delete($1)", {tokenHash});
}

std::optional<ResetRecipient> SignInClient::createReset(const std::string& email,
                                                        const std::string& tokenHash,
                                                        std::chrono::minutes lifetime) {
  auto rows = c_.exec("SELECT * FROM gh.portal_reset_create($1, $2, make_interval(mins => $3))",
                      {email, tokenHash, static_cast<std::int64_t>(lifetime.count())});
  if (rows.empty()) return std::nullopt;
  return ResetRecipient{rows[0].text("email"), rows[0].text("full_name")};
}

bool SignInClient::resetTokenValid(const std::string& tokenHash) {
  return c_.exec("SELECT gh.portal_reset_valid($1) AS ok", {tokenHash})[0].boolean("ok");
}

std::optional<std::int64_t> SignInClient::consumeReset(const std::string& tokenHash,
                                                       const std::string& newHash) {
  auto rows = c_.exec("SELECT gh.portal_reset_consume($1, $2) AS person", {tokenHash, newHash});
  if (rows.empty()) return std::nullopt;
  return rows[0].optInt64("person");
}

}  // namespace gatehouse::backend
