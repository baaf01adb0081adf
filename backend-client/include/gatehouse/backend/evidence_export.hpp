// Evidence export: a visit, or a kiosk and a time range, as a signed bundle (gatehouse-verify).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/evidence/key.hpp"

namespace gatehouse::backend {

// Creates the estate's evidence key: the secret goes to `keyFile` (mode 0600, never
// overwritten), the public half into gh.evidence_key (replacing an earlier active key).
// Returns the public key, base64url.
std::string initEvidenceKey(Connection& c, std::int64_t estateId, const std::string& keyFile);
// The estate's active public key, base64url, or "" when it has none.
std::string evidencePublicKey(Connection& c, std::int64_t estateId);

struct EvidenceScope {
  std::optional<Uuid> visit;
  std::optional<std::int64_t> kioskId;
  std::string from, to;  // timestamps (ISO 8601) for a kiosk's range: from <= captured_at < to
};
struct EvidenceExport {
  int visits = 0;
  int photos = 0;
  int links = 0;
};
// Refuses a key that is not the estate's active evidence key. Audited.
EvidenceExport exportEvidence(Connection& c, const EvidenceScope& scope,
                              const evidence::EvidenceKey& key, const std::string& dir);

}  // namespace gatehouse::backend
