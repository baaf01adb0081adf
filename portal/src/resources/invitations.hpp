// Invitation pieces the guest resource reuses: the pass text and how an invitation is written.
#pragma once
#include <optional>
#include <string>

#include "../context.hpp"
#include "gatehouse/backend/resident_client.hpp"
#include "gatehouse/core/uuid.hpp"

namespace gatehouse::portal {

// The signed pass text of one of the acting person's unit's invitations (the secret comes
// from the server's credential file, never from the database); nullopt when not theirs.
std::optional<std::string> passText(const Context& ctx, backend::Connection& c, const Uuid& id);

// An invitation's terms, all its guest may see of it: who, when, how often.
json invitationTermsJson(const backend::ResidentInvitation& i);
// The invitation as the resident page shows it: its terms, its state and the host's details.
json invitationJson(const backend::ResidentInvitation& i);

}  // namespace gatehouse::portal
