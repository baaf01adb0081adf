// Where a webhook may go: public unicast addresses only (after DNS), unless allow-listed.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/core/result.hpp"

namespace gatehouse::portal {

// Why `ip` (IPv4 or IPv6 text) is not a public unicast address ("loopback", "private",
// "link-local", ...), or "" when it is. IPv4-mapped and -compatible IPv6 addresses are judged
// by the IPv4 address inside. Text that is not an address is "not an address".
std::string nonPublicReason(std::string_view ip);

struct WebhookTarget {
  std::string host;  // lower case; an IPv6 literal keeps its brackets, as in the URL
  int port = 0;
  bool literal = false;                // the URL names an address, not a name
  std::vector<std::string> addresses;  // every address the host resolved to, all allowed
};

// Parses `url`, resolves its host and checks every address: each must be public or listed in
// `allowed` (exact addresses, for tests and a deliberate LAN gateway). Errors: bad_url,
// unresolved, not_public.
Result<WebhookTarget> resolveWebhookTarget(const std::string& url,
                                           const std::vector<std::string>& allowed);

// libcurl's CURLOPT_RESOLVE entry ("host:port:addr,addr") that makes it connect to exactly the
// checked addresses (no second lookup, so no DNS rebinding); "" for a literal address.
std::string pinnedResolveEntry(const WebhookTarget& target);

}  // namespace gatehouse::portal
