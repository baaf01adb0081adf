// GuestPassClient: what a guest's pass link shows and sends, read as the inviting host.
#pragma once
#include <optional>
#include <string>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/backend/resident_client.hpp"
#include "gatehouse/core/uuid.hpp"

namespace gatehouse::backend {

// The guest's phone and name when the pass can still be sent (active, phone given).
struct GuestContact {
  std::string phone;
  std::string guestName;
  std::string estate;
};

// The invitation with what the estate tells its guests.
struct GuestPassView {
  ResidentInvitation invitation;
  std::string estate;
  std::string address;
  std::string directions;
};

class GuestPassClient {
 public:
  // `c` must already act as the host (Connection::asPerson).
  explicit GuestPassClient(Connection& c) : c_(c) {}

  // When the host's unrevoked invitation ends, so its link expires with the pass.
  std::optional<TimePoint> linkExpiry(const Uuid& invitation);
  std::optional<GuestContact> contact(const Uuid& invitation);
  std::optional<GuestPassView> view(const Uuid& invitation);

 private:
  Connection& c_;
};

}  // namespace gatehouse::backend
