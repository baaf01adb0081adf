// Live resource: the residents' event stream (/api/events) and the fan-out of database
// notifications to it.
#include "live.hpp"

#include <spdlog/spdlog.h>

#include "../push.hpp"
#include "../route_table.hpp"
#include "gatehouse/backend/error.hpp"
#include "notifications.hpp"
#include "visits.hpp"

namespace gatehouse::portal {

namespace {

using backend::Connection;
using backend::ErrorKind;

void pushVisit(Context& ctx, std::int64_t estate, std::int64_t unit, std::int64_t person,
               const Uuid& id) {
  try {
    std::optional<json> v;
    ctx.asPerson(person, [&](Connection& c) { v = loadVisit(c, id); });
    if (v)
      ctx.hub.publishUnit(
          estate, unit, sseFrame("visit", v->dump(-1, ' ', false, json::error_handler_t::replace)));
  } catch (const backend::Error& e) {
    if (e.kind() == ErrorKind::ConnectionLost) ctx.dropDb();
    spdlog::warn("live event not delivered: {}", e.what());
  }
}

void pushUnread(Context& ctx, std::int64_t person) {
  try {
    std::int64_t unread = 0;
    ctx.asPerson(person, [&](Connection& c) { unread = unreadCount(c); });
    ctx.hub.publishPerson(person, sseFrame("notification", json{{"unread", unread}}.dump()));
  } catch (const backend::Error& e) {
    if (e.kind() == ErrorKind::ConnectionLost) ctx.dropDb();
  }
}

void onVisitEvent(Context& ctx, const json& j) {
  std::int64_t estate = j.value("estate", std::int64_t{0});
  std::int64_t unit = j.value("unit", std::int64_t{0});
  auto visit = Uuid::parse(j.value("visit", std::string()));
  if (!visit) return;
  auto person = ctx.hub.personForUnit(estate, unit);
  if (!person) return;
  ctx.postWork(
      [&ctx, estate, unit, p = *person, id = *visit] { pushVisit(ctx, estate, unit, p, id); });
}

void onNotificationEvent(Context& ctx, const json& j) {
  ctx.wakeDelivery();
  std::int64_t person = j.value("person", std::int64_t{0});
  if (ctx.push) ctx.push->notification(j.value("notification", std::int64_t{0}));
  // A request's notification is implied by the visit event (the page counts it itself).
  if (j.value("kind", std::string()) != "visit_request" && ctx.hub.hasPerson(person))
    ctx.postWork([&ctx, person] { pushUnread(ctx, person); });
}

HttpHandlers::StreamDecision openEvents(Context& ctx, const HttpRequest&, const Auth& who) {
  HttpHandlers::StreamDecision d;
  d.onOpen = [&ctx, who](std::shared_ptr<SseStream> s) {
    s->send("retry: 3000\n\n");
    ctx.hub.add(Subscriber{std::move(s), who.personId, who.estateId, who.unitId, who.tokenHash,
                           who.expiresMs});
  };
  return d;
}

}  // namespace

void onLiveNotify(Context& ctx, const backend::Notification& n) {
  auto j = json::parse(n.payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return;
  auto ev = j.value("event", std::string());
  if (ev == "visit" || ev == "evidence")
    onVisitEvent(ctx, j);
  else if (ev == "notification")
    onNotificationEvent(ctx, j);
}

void onLiveResync(Context& ctx) {
  ctx.hub.publishAll(sseFrame("resync", "{}"));
  ctx.wakeDelivery();
}

void liveHeartbeat(Context& ctx) {
  ctx.hub.closeExpired(std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count());
  ctx.hub.publishAll(":\n\n");
}

void addLiveRoutes(RouteTable& t) {
  t.addStream("/api/events", RouteTable::Access::Resident, openEvents);
}

}  // namespace gatehouse::portal
