// WorkerClient over gh.console_housekeeping.
#include "gatehouse/backend/worker_client.hpp"

#include <nlohmann/json.hpp>

namespace gatehouse::backend {

HousekeepingResult WorkerClient::housekeeping(std::chrono::seconds kioskStale) {
  auto rows = c_.exec("SELECT gh.console_housekeeping(make_interval(secs => $1))::text AS r",
                      {static_cast<std::int64_t>(kioskStale.count())});
  auto j = nlohmann::json::parse(rows[0].text("r"), nullptr, false);
  if (!j.is_object()) throw Error(ErrorKind::Internal, "housekeeping answered no JSON object");
  return {j.value("escalated", 0), j.value("expired", 0), j.value("overstays", 0),
          j.value("kiosks_offline", 0)};
}

}  // namespace gatehouse::backend
