// Resident-side queries over the RLS-limited tables (the acting person is set by asPerson):
// notifications and the resident's own settings.
#include "gatehouse/backend/resident_client.hpp"

#include "time_text.hpp"

namespace gatehouse::backend {

std::vector<ResidentNotification> ResidentClient::notifications(int limit) {
  auto rows = c_.exec(
      "SELECT id, kind, payload::text AS payload, "
      "(extract(epoch FROM created_at) * 1000)::bigint AS created_ms, read_at IS NOT NULL AS read "
      "FROM gh.notification WHERE person_id = gh.current_person_id() "
      "ORDER BY created_at DESC, id DESC LIMIT $1",
      {limit});
  std::vector<ResidentNotification> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto r = rows[i];
    out.push_back({r.int64("id"), r.text("kind"), r.text("payload"),
                   detail::fromMs(r.int64("created_ms")), r.boolean("read")});
  }
  return out;
}

std::int64_t ResidentClient::unreadCount() {
  return c_
      .exec(
          "SELECT count(*) AS n FROM gh.notification WHERE person_id = "
          "gh.current_person_id() AND read_at IS NULL")[0]
      .int64("n");
}

void ResidentClient::markRead(bool all, const std::vector<std::int64_t>& ids) {
  std::string array = "{";
  for (auto id : ids) array += (array.size() > 1 ? "," : "") + std::to_string(id);
  array += "}";
  c_.exec(
      "UPDATE gh.notification SET read_at = now() WHERE person_id = gh.current_person_id() "
      "AND read_at IS NULL AND ($1 OR id = ANY($2::bigint[]))",
      {all, array});
}

std::optional<ResidentProfile> ResidentClient::profile() {
  auto rows = c_.exec(
      "SELECT u.label, u.building, e.name AS estate, e.timezone, p.notify_email, "
      "p.webhook_url, p.email FROM gh.person p JOIN gh.estate e ON e.id = p.estate_id "
      "LEFT JOIN gh.unit u ON u.id = p.unit_id WHERE p.id = gh.current_person_id()");
  if (rows.empty()) return std::nullopt;
  auto r = rows[0];
  ResidentProfile p;
  p.unitLabel = r.optText("label");
  p.building = r.isNull("label") ? std::nullopt : std::optional(r.text("building"));
  p.estate = r.text("estate");
  p.timezone = r.text("timezone");
  p.email = r.text("email");
  p.notifyEmail = r.boolean("notify_email");
  p.webhookUrl = r.text("webhook_url");
  return p;
}

void ResidentClient::setChannels(bool notifyEmail, const std::string& webhookUrl) {
  c_.exec(
      "UPDATE gh.person SET notify_email = $1, webhook_url = nullif($2, '') WHERE id = "
      "gh.current_person_id()",
      {notifyEmail, webhookUrl});
}

bool magicLinkUsed(Connection& c, const std::string& nonce) {
  return c.execPrepared("portal_magic_used", "SELECT gh.portal_magic_used($1) AS used", {nonce})[0]
      .boolean("used");
}

}  // namespace gatehouse::backend
