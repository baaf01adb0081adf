// Retention settings and legal holds of the admin's estate, as JSON.
#include "staff_admin.hpp"

#include "gatehouse/backend/staff_client.hpp"
#include "json_out.hpp"

namespace gatehouse::portal {

namespace {

json retentionJson(backend::StaffClient& c, const backend::Retention& r) {
  json holds = json::array();
  for (const auto& h : c.legalHolds()) {
    holds.push_back({{"visit_id", h.visitId.toString()},
                     {"reason", h.reason},
                     {"placed_by", h.placedBy.empty() ? json(nullptr) : json(h.placedBy)},
                     {"placed_at_ms", msOf(h.placedAt)}});
  }
  return {{"estate_id", r.estateId},
          {"photos_days", r.photosDays},
          {"id_data_days", r.idDataDays},
          {"names_days", r.namesDays},
          {"notifications_days", r.notificationsDays},
          {"legal_holds", holds}};
}

HttpResponse reply(const json& body) {
  HttpResponse r;
  r.body = dumpJson(body);
  return r;
}

// A day count the body may carry; absent or null leaves the setting as it is.
std::optional<int> days(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) throw BadField{name};
  const auto v = it->get<std::int64_t>();
  if (v < 1 || v > 3650) throw BadField{name};
  return static_cast<int>(v);
}

}  // namespace

HttpResponse staffRetentionGet(const StaffRequest& r) {
  backend::StaffClient c(r.db, r.personId);
  return reply(retentionJson(c, c.retention()));
}

HttpResponse staffRetentionSet(const StaffRequest& r) {
  backend::RetentionChange ch;
  ch.photosDays = days(r.body, "photos_days");
  ch.idDataDays = days(r.body, "id_data_days");
  ch.namesDays = days(r.body, "names_days");
  ch.notificationsDays = days(r.body, "notifications_days");
  backend::StaffClient c(r.db, r.personId);
  return reply(retentionJson(c, c.setRetention(ch)));
}

}  // namespace gatehouse::portal
