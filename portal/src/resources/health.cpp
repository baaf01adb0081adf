// Health resource: /healthz for load balancers and systemd (database, migrations, durability).
#include <spdlog/spdlog.h>

#include "../route_table.hpp"
#include "gatehouse/backend/durability.hpp"
#include "gatehouse/backend/migrator.hpp"

namespace gatehouse::portal {

namespace {

HttpResponse healthz(Context& ctx, const Call&) {
  bool dbOk = false, migrationsOk = false, durable = false;
  try {
    ctx.db().ping();
    dbOk = true;
    backend::Migrator migrator(ctx.db());
    migrationsOk = migrator.upToDate();
    durable = backend::checkDurability(ctx.db()).durable();  // a warning, not a failure
  } catch (const std::exception& e) {
    spdlog::warn("healthz: {}", e.what());
    ctx.dropDb();
  }
  bool ok = dbOk && migrationsOk;
  return jsonResponse(ok ? 200 : 503, {{"status", ok ? "ok" : "unhealthy"},
                                       {"database", dbOk},
                                       {"migrations", migrationsOk},
                                       {"durable_commits", durable}});
}

}  // namespace

void addHealthRoutes(RouteTable& t) {
  t.add("GET", "/healthz", RouteTable::Access::Public, healthz);
}

}  // namespace gatehouse::portal
