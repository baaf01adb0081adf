// Resident-side queries over the RLS-limited tables (the acting person is set by asPerson).
#include "gatehouse/backend/resident_client.hpp"

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
    out.push_back(
        {r.int64("id"), r.text("kind"), r.text("payload"),
         std::chrono::system_clock::time_point{std::chrono::milliseconds(r.int64("created_ms"))},
         r.boolean("read")});
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

}  // namespace gatehouse::backend
