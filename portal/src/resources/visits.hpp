// Visit pieces other resources reuse (magic links, push actions, live events).
#pragma once
#include <optional>
#include <string>

#include "../context.hpp"
#include "gatehouse/backend/resident_client.hpp"
#include "gatehouse/core/uuid.hpp"

namespace gatehouse::portal {

// The visit as the resident page shows it, when the acting person's unit may see it.
std::optional<json> loadVisit(backend::Connection& c, const Uuid& id);
// Decides and answers with the visit; when someone else got there first, says who and when.
// A non-empty `nonce` is a link's, used up by the first decision (410 link_used after).
HttpResponse decideAs(Context& ctx, std::int64_t person, const Uuid& id, bool approve,
                      const std::string& channel, const std::string& nonce);
// A visit photo the person's unit may see (only of `onlyVisit` when given).
HttpResponse photoAs(Context& ctx, std::int64_t person, const std::string& idText,
                     const std::optional<Uuid>& onlyVisit);
// The visit as the resident page's JSON.
json visitJson(const backend::ResidentVisit& v);

}  // namespace gatehouse::portal
