// Staff resource (/api/staff/*, guards and admins): staff_api.cpp's routes and the live stream.
#include "../route_table.hpp"

namespace gatehouse::portal {

namespace {

HttpHandlers::StreamDecision openStaffEvents(Context& ctx, const HttpRequest&, const Auth& who) {
  HttpHandlers::StreamDecision d;
  d.onOpen = [&ctx, who](std::shared_ptr<SseStream> s) {
    s->send("retry: 3000\n\n");
    ctx.staffHub.add(
        StaffSubscriber{std::move(s), who.personId, who.estateId, who.tokenHash, who.expiresMs});
  };
  return d;
}

}  // namespace

void addStaffRoutes(RouteTable& t) {
  using Access = RouteTable::Access;
  for (const StaffRoute& route : staffRoutes()) {
    t.add(route.method, route.pattern, route.adminOnly ? Access::Admin : Access::Staff,
          [&route](Context& ctx, const Call& call) {
            StaffRequest r{ctx.db(),  call.auth->personId, call.req,
                           call.body, call.params,         ctx.staff};
            return runStaffHandler(route, r);
          });
  }
  t.addStream("/api/staff/events", Access::Staff, openStaffEvents);
}

}  // namespace gatehouse::portal
