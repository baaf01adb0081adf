// Notifications resource: the signed-in person's recent notifications and marking them read.
#include "notifications.hpp"

#include "../route_table.hpp"

namespace gatehouse::portal {

using backend::Connection;
using Access = RouteTable::Access;

std::int64_t unreadCount(Connection& c) {
  return c
      .exec(
          "SELECT count(*) AS n FROM gh.notification WHERE person_id = "
          "gh.current_person_id() AND read_at IS NULL")[0]
      .int64("n");
}

namespace {

json notificationJson(const backend::Row& r) {
  json p = json::parse(r.text("payload"), nullptr, false);
  return {{"id", r.int64("id")},
          {"kind", r.text("kind")},
          {"payload", p.is_discarded() ? json::object() : p},
          {"created_ms", r.int64("created_ms")},
          {"read", r.boolean("read")}};
}

HttpResponse list(Context& ctx, const Auth& a) {
  json out = json::array();
  std::int64_t unread = 0;
  ctx.asPerson(a.personId, [&](Connection& c) {
    auto rows = c.exec(
        "SELECT id, kind, payload::text AS payload, (extract(epoch FROM created_at) * "
        "1000)::bigint AS created_ms, "
        "read_at IS NOT NULL AS read FROM gh.notification WHERE person_id = "
        "gh.current_person_id() "
        "ORDER BY created_at DESC, id DESC LIMIT 50");
    for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(notificationJson(rows[i]));
    unread = unreadCount(c);
  });
  return jsonResponse(200, {{"notifications", out}, {"unread", unread}});
}

HttpResponse markRead(Context& ctx, const Call& call) {
  const auto& body = call.body;
  bool all = false;
  if (!readField(body, "all", all)) return badField("all");
  if (body.contains("ids") && !body["ids"].is_array() && !body["ids"].is_null())
    return badField("ids");
  std::string ids = "{";
  if (body.contains("ids") && body["ids"].is_array()) {
    for (auto& v : body["ids"]) {
      if (!v.is_number_integer()) return errorResponse(422, "ids");
      if (ids.size() > 1) ids += ",";
      ids += std::to_string(v.get<std::int64_t>());
    }
  }
  ids += "}";
  ctx.asPerson(call.auth->personId, [&](Connection& c) {
    c.exec(
        "UPDATE gh.notification SET read_at = now() WHERE person_id = gh.current_person_id() AND "
        "read_at IS NULL "
        "AND ($1 OR id = ANY($2::bigint[]))",
        {all, ids});
  });
  return list(ctx, *call.auth);
}

}  // namespace

void addNotificationRoutes(RouteTable& t) {
  t.add("GET", "/api/notifications", Access::Resident,
        [](Context& ctx, const Call& c) { return list(ctx, *c.auth); });
  t.add("POST", "/api/notifications/read", Access::Resident, markRead);
}

}  // namespace gatehouse::portal
