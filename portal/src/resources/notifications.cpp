// Notifications resource: the signed-in person's recent notifications and marking them read
// (queries in backend::ResidentClient).
#include "notifications.hpp"

#include "../route_table.hpp"
#include "gatehouse/backend/resident_client.hpp"

namespace gatehouse::portal {

using backend::Connection;
using Access = RouteTable::Access;

std::int64_t unreadCount(Connection& c) { return backend::ResidentClient(c).unreadCount(); }

namespace {

json notificationJson(const backend::ResidentNotification& n) {
  json p = json::parse(n.payloadJson, nullptr, false);
  return {{"id", n.id},
          {"kind", n.kind},
          {"payload", p.is_discarded() ? json::object() : p},
          {"created_ms", msOf(n.createdAt)},
          {"read", n.read}};
}

HttpResponse list(Context& ctx, const Auth& a) {
  json out = json::array();
  std::int64_t unread = 0;
  ctx.asPerson(a.personId, [&](Connection& c) {
    backend::ResidentClient resident(c);
    for (const auto& n : resident.notifications()) out.push_back(notificationJson(n));
    unread = resident.unreadCount();
  });
  return jsonResponse(200, {{"notifications", out}, {"unread", unread}});
}

HttpResponse markRead(Context& ctx, const Call& call) {
  const auto& body = call.body;
  bool all = false;
  if (!readField(body, "all", all)) return badField("all");
  std::vector<std::int64_t> ids;
  if (body.contains("ids") && !body["ids"].is_null()) {
    if (!body["ids"].is_array()) return badField("ids");
    for (auto& v : body["ids"]) {
      if (!v.is_number_integer()) return errorResponse(422, "ids");
      ids.push_back(v.get<std::int64_t>());
    }
  }
  ctx.asPerson(call.auth->personId,
               [&](Connection& c) { backend::ResidentClient(c).markRead(all, ids); });
  return list(ctx, *call.auth);
}

}  // namespace

void addNotificationRoutes(RouteTable& t) {
  t.add("GET", "/api/notifications", Access::Resident,
        [](Context& ctx, const Call& c) { return list(ctx, *c.auth); });
  t.add("POST", "/api/notifications/read", Access::Resident, markRead);
}

}  // namespace gatehouse::portal
