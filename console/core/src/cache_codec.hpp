// The on-site list as bytes (length-prefixed fields) so it can be sealed as one blob.
#pragma once
#include <optional>

#include "gatehouse/console/local_cache.hpp"

namespace gatehouse::console {

Bytes encodeOnSite(const CachedOnSite& list);
std::optional<CachedOnSite> decodeOnSite(const Bytes& bytes);  // nullopt when malformed

}  // namespace gatehouse::console
