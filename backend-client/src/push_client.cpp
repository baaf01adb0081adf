// PushClient: the push subscription table and the gh.push_* functions.
#include "gatehouse/backend/push_client.hpp"

#include "time_text.hpp"

namespace gatehouse::backend {

std::vector<PushSubscriptionInfo> PushClient::subscriptions() {
  auto rows = c_.exec(
      "SELECT id, label, (extract(epoch FROM created_at) * 1000)::bigint AS created_ms, "
      "(extract(epoch FROM last_success_at) * 1000)::bigint AS ok_ms, last_error, failures "
      "FROM gh.push_subscription WHERE person_id = gh.current_person_id() ORDER BY id");
  std::vector<PushSubscriptionInfo> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto r = rows[i];
    out.push_back({r.int64("id"), r.text("label"), detail::fromMs(r.int64("created_ms")),
                   detail::optMs(r, "ok_ms"), r.optText("last_error"),
                   static_cast<int>(r.int64("failures"))});
  }
  return out;
}

std::int64_t PushClient::subscribe(const std::string& endpoint, const std::string& p256dh,
                                   const std::string& auth, const std::string& label) {
  return c_
      .exec("SELECT gh.push_subscribe($1, $2, $3, $4) AS id", {endpoint, p256dh, auth, label})[0]
      .int64("id");
}

bool PushClient::unsubscribe(std::int64_t subscriptionId) {
  return c_.exec("SELECT gh.push_unsubscribe($1) AS gone", {subscriptionId})[0].boolean("gone");
}

std::optional<PushTarget> PushClient::ownTarget(std::int64_t subscriptionId) {
  auto rows = c_.exec(
      "SELECT id, person_id, endpoint, p256dh, auth FROM gh.push_subscription "
      "WHERE id = $1 AND person_id = gh.current_person_id()",
      {subscriptionId});
  if (rows.empty()) return std::nullopt;
  auto r = rows[0];
  return PushTarget{r.int64("id"), r.int64("person_id"), r.text("endpoint"), r.text("p256dh"),
                    r.text("auth")};
}

std::vector<PushDelivery> PushClient::targets(std::int64_t notificationId) {
  auto rows =
      c_.execPrepared("push_targets", "SELECT * FROM gh.push_targets($1)", {notificationId});
  std::vector<PushDelivery> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto r = rows[i];
    out.push_back({{r.int64("subscription_id"), r.int64("person_id"), r.text("endpoint"),
                    r.text("p256dh"), r.text("auth")},
                   r.text("kind"),
                   r.text("payload")});
  }
  return out;
}

void PushClient::record(std::int64_t subscriptionId, const std::string& outcome,
                        const std::string& error) {
  c_.execPrepared("push_record", "SELECT gh.push_record($1, $2, $3)",
                  {subscriptionId, outcome, error});
}

}  // namespace gatehouse::backend
