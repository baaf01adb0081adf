// DeliveryClient over gh.portal_delivery_claim / gh.portal_delivery_done.
#include "gatehouse/backend/delivery_client.hpp"

namespace gatehouse::backend {

std::vector<Delivery> DeliveryClient::claim(int limit, std::chrono::seconds lease) {
  auto rows = c_.exec("SELECT * FROM gh.portal_delivery_claim($1, make_interval(secs => $2))",
                      {limit, static_cast<std::int64_t>(lease.count())});
  std::vector<Delivery> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto r = rows[i];
    out.push_back({r.int64("id"), r.int64("notification_id"), r.int64("person_id"),
                   r.text("channel"), r.text("target"), static_cast<int>(r.int64("attempts")),
                   r.text("kind"), r.text("payload"), r.text("full_name"), r.text("unit_label")});
  }
  return out;
}

void DeliveryClient::done(std::int64_t id, const std::string& error,
                          std::chrono::duration<double> retryIn, int maxAttempts) {
  c_.exec("SELECT gh.portal_delivery_done($1, $2, $3, make_interval(secs => $4), $5)",
          {id, error.empty(), error, retryIn.count(), maxAttempts});
}

}  // namespace gatehouse::backend
