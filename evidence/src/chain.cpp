// The evidence chain formula, byte for byte what gh.chain_link computes in the database.
#include "gatehouse/evidence/chain.hpp"

#include "gatehouse/core/base64url.hpp"

namespace gatehouse::evidence {

std::string chainHash(const std::string& prev, const std::string& sha256, const std::string& visit,
                      const std::string& kind, const std::string& capturedAt) {
  return sha256Hex(prev + "|" + sha256 + "|" + visit + "|" + kind + "|" + capturedAt);
}

}  // namespace gatehouse::evidence
