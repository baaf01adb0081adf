// Guest pass links (internal): a signed URL token naming an invitation and its host, and the
// page data a guest sees (the same signed pass the kiosk verifies, estate, address, validity).
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "gatehouse/backend/guest_pass_client.hpp"
#include "gatehouse/core/result.hpp"
#include "gatehouse/core/uuid.hpp"

namespace gatehouse::portal {

// token = base64url("g1|invitation|host person|expires") "." base64url(HMAC-SHA256(key, "guest|"
// payload))
struct GuestClaim {
  Uuid invitationId;
  std::int64_t hostId = 0;
  std::int64_t expires = 0;
};
std::string makeGuestToken(std::string_view key, const GuestClaim& claim);
// Errors: malformed, bad_signature, expired.
Result<GuestClaim> readGuestToken(std::string_view key, std::string_view token,
                                  std::int64_t nowUnix);

// When the host's invitation ends (unix seconds), so its link expires with the pass.
std::optional<std::int64_t> guestLinkExpiry(backend::Connection& c, const Uuid& invitation);

// The guest's phone and name when the pass can still be sent (active, phone given).
using GuestContact = backend::GuestContact;
std::optional<GuestContact> guestContact(backend::Connection& c, const Uuid& invitation);
// The JSON an SMS gateway receives: {kind: "guest_pass_sms", to, text, invitation}.
std::string guestSmsBody(const GuestContact& who, const Uuid& invitation, const std::string& url);

struct GuestReply {
  int status = 200;
  nlohmann::json body;
};
// Runs as the host. `passText` signs the pass (the portal's one signing path); the QR is only
// included while the pass is active. Reveals the estate's name, address and directions, the
// guest's name and the validity; nothing about the host or other visits.
// The page data of an active pass: its terms, the estate's name, address and directions, the QR.
nlohmann::json guestPageJson(const backend::GuestPassView& view, const std::string& qrSvg);
GuestReply guestView(backend::Connection& c, const Uuid& invitation,
                     const std::function<std::optional<std::string>()>& passText);

}  // namespace gatehouse::portal
