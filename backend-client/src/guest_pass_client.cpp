// GuestPassClient: the host's invitation as its guest link shows it (RLS as the host).
#include "gatehouse/backend/guest_pass_client.hpp"

namespace gatehouse::backend {

std::optional<TimePoint> GuestPassClient::linkExpiry(const Uuid& invitation) {
  auto rows = c_.exec(
      "SELECT extract(epoch FROM valid_until)::bigint AS vu FROM gh.invitation "
      "WHERE id = $1 AND unit_id = gh.my_unit() AND revoked_at IS NULL",
      {invitation});
  if (rows.empty()) return std::nullopt;
  return TimePoint{std::chrono::seconds(rows[0].int64("vu"))};
}

std::optional<GuestContact> GuestPassClient::contact(const Uuid& invitation) {
  auto rows = c_.exec(
      "SELECT i.guest_phone, i.guest_name, e.name AS estate FROM gh.invitation i "
      "JOIN gh.estate e ON e.id = i.estate_id WHERE i.id = $1 AND i.unit_id = gh.my_unit() "
      "AND i.revoked_at IS NULL AND i.valid_until > now() AND coalesce(i.guest_phone, '') <> ''",
      {invitation});
  if (rows.empty()) return std::nullopt;
  return GuestContact{rows[0].text("guest_phone"), rows[0].text("guest_name"),
                      rows[0].text("estate")};
}

std::optional<GuestPassView> GuestPassClient::view(const Uuid& invitation) {
  auto inv = ResidentClient(c_).invitation(invitation);
  if (!inv) return std::nullopt;
  auto rows = c_.exec(
      "SELECT name, guest_address, guest_directions FROM gh.estate WHERE id = gh.my_estate()");
  if (rows.empty()) return std::nullopt;
  return GuestPassView{*inv, rows[0].text("name"), rows[0].text("guest_address"),
                       rows[0].text("guest_directions")};
}

}  // namespace gatehouse::backend
