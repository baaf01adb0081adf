// Evidence export: a visit, or a kiosk and a time range, as a signed bundle (gatehouse-verify).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/core/uuid.hpp"
#include "gatehouse/evidence/bundle.hpp"
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

// One visit's bundle content for a signed-in guard or admin (the server's staff route), read
// and audited as `personId` by gh.staff_evidence_bundle. Throws NotFound for an unknown visit,
// another estate's visit or a visit without evidence; Conflict ("evidence_key_mismatch") when
// `key` is not (or nullopt: the server has no) estate's active evidence key, checked after the
// visit so it tells nothing about other estates. The caller signs it (evidence::archiveBundle).
evidence::BundleContent staffEvidenceContent(Connection& c, std::int64_t personId,
                                             const Uuid& visit,
                                             const std::optional<evidence::PublicKey>& key);

}  // namespace gatehouse::backend
