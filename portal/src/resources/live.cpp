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
    if (v) ctx.hub.publishUnit(estate, unit, sseFrame("visit", dumpJson(*v)));
  } catch (const backend::Error& e) {
    if (e.kind() == ErrorKind::ConnectionLost) ctx.dropDb();
    spdlog::warn("live event not delivered: {}", e.what());
  }
}

void pushUnread(Context& ctx, std::int64_t person) {
  try {
    std::int64_t unread = 0;
    ctx.asPerson(person, [&](Connection& c) { unread = unreadCount(c); });
    ctx.hub.publishPerson(person, sseFrame("notification", dumpJson({{"unread", unread}})));
  } catch (const backend::Error& e) {
    if (e.kind() == ErrorKind::ConnectionLost) ctx.dropDb();
  }
}

void onVisitEvent(Context& ctx, const backend::LiveEvent& e) {
  if (!e.visitId) return;
  auto person = ctx.hub.personForUnit(e.estateId, e.unitId);
  if (!person) return;
  ctx.postWork([&ctx, estate = e.estateId, unit = e.unitId, p = *person, id = *e.visitId] {
    pushVisit(ctx, estate, unit, p, id);
  });
}

void onNotificationEvent(Context& ctx, const backend::LiveEvent& e) {
  ctx.wakeDelivery();
  if (ctx.push) ctx.push->notification(e.notificationId);
  // A request's notification is implied by the visit event (the page counts it itself).
  if (e.detail != "visit_request" && ctx.hub.hasPerson(e.personId))
    ctx.postWork([&ctx, person = e.personId] { pushUnread(ctx, person); });
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

// The listener parsed the payload once (backend::LiveEvent); staff and residents fan out from it.
void onLiveNotify(Context& ctx, const backend::Notification& n) {
  if (!n.event) return;
  const auto& e = *n.event;
  ctx.staffHub.publish(e);
  using K = backend::LiveEventKind;
  if (e.kind == K::VisitChanged || e.kind == K::EvidenceAdded)
    onVisitEvent(ctx, e);
  else if (e.kind == K::NotificationQueued)
    onNotificationEvent(ctx, e);
}

void onLiveResync(Context& ctx) {
  ctx.hub.publishAll(sseFrame("resync", "{}"));
  ctx.staffHub.resync();
  ctx.wakeDelivery();
}

void liveHeartbeat(Context& ctx) {
  const auto nowMs = msOf(std::chrono::system_clock::now());
  ctx.hub.closeExpired(nowMs);
  ctx.staffHub.closeExpired(nowMs);
  ctx.hub.publishAll(":\n\n");
  ctx.staffHub.ping();
}

void addLiveRoutes(RouteTable& t) {
  t.addStream("/api/events", RouteTable::Access::Resident, openEvents);
}

}  // namespace gatehouse::portal
