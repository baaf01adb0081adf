// Staff evidence export (GET /api/staff/visits/{id}/evidence): a visit's signed bundle, as the
// one-file archive gatehouse-verify checks, signed with the server's evidence key.
#include <spdlog/spdlog.h>

#include "../route_table.hpp"
#include "gatehouse/backend/evidence_export.hpp"

namespace gatehouse::portal {

namespace {

HttpResponse exportVisitEvidence(Context& ctx, const Call& call) {
  const auto visit = Uuid::parse(call.param());
  if (!visit) return errorResponse(404, "not_found");
  // One key file signs for one estate. Without the key of the guard's estate the database
  // still answers 404 for a visit the guard may not see, and only then says the key is missing.
  const auto& key = ctx.staff.evidenceKey;
  const bool haveKey = key && key->estateId == call.auth->estateId;
  evidence::BundleContent content;
  try {
    content = backend::staffEvidenceContent(
        ctx.db(), call.auth->personId, *visit,
        haveKey ? std::optional<evidence::PublicKey>(key->publicKey) : std::nullopt);
  } catch (const backend::Error& e) {
    if (e.detail() != "evidence_key_mismatch") throw;
    spdlog::error("evidence export refused: {}", e.what());
    return errorResponse(503, "evidence_key_missing");
  }
  auto archive = evidence::archiveBundle(content, *key);
  if (!archive) {
    spdlog::error("evidence bundle of visit {}: {}", visit->toString(), archive.error().message);
    return errorResponse(500, "internal");
  }
  HttpResponse r;
  r.contentType = "application/x-tar";
  r.body = std::move(*archive);
  r.header("Content-Disposition",
           "attachment; filename=\"evidence-" + visit->toString() + ".tar\"");
  r.header("Cache-Control", "no-store");
  return r;
}

}  // namespace

void addStaffEvidenceRoutes(RouteTable& t) {
  t.add("GET", "/api/staff/visits/{id}/evidence", RouteTable::Access::Staff, exportVisitEvidence);
}

}  // namespace gatehouse::portal
