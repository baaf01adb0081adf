// The client's address behind trusted reverse proxies (X-Forwarded-For), for throttling and logs.
#pragma once
#include <string>
#include <vector>

namespace gatehouse::portal {

// `peer` is the TCP peer. Only when it is in `trustedProxies` (exact addresses) is
// X-Forwarded-For believed: its entries are read right to left, skipping trusted proxies, and
// the first other one is the client. A malformed entry or a header from an untrusted peer
// yields `peer`, so a client cannot choose its own address.
std::string clientAddress(const std::string& peer, const std::string& forwardedFor,
                          const std::vector<std::string>& trustedProxies);

}  // namespace gatehouse::portal
