// Evidence export: gathers records, photos and the chain links around them into a signed bundle.
#include "gatehouse/backend/evidence_export.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "gatehouse/evidence/bundle.hpp"

namespace gatehouse::backend {

namespace {

constexpr const char* kUtc = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'";

struct Item {
  std::string id, visit;
  std::optional<std::int64_t> kiosk;
  std::int64_t seq = 0;
};

std::vector<Item> itemsInScope(Connection& c, const EvidenceScope& s, std::int64_t& estate) {
  Rows rows;
  if (s.visit) {
    rows = c.exec(
        "SELECT e.id, e.visit_id, e.kiosk_id, e.seq, e.estate_id FROM gh.evidence e "
        "WHERE e.visit_id = $1 ORDER BY e.seq",
        {*s.visit});
    auto v = c.exec("SELECT estate_id FROM gh.visit WHERE id = $1", {*s.visit});
    if (v.empty())
      throw Error(ErrorKind::NotFound, "visit " + s.visit->toString() + " not found", "",
                  "visit_not_found");
    estate = v[0].int64("estate_id");
  } else if (s.kioskId && !s.from.empty() && !s.to.empty()) {
    auto k = c.exec("SELECT estate_id FROM gh.kiosk WHERE id = $1", {*s.kioskId});
    if (k.empty())
      throw Error(ErrorKind::NotFound, "kiosk " + std::to_string(*s.kioskId) + " not found", "",
                  "kiosk_not_found");
    estate = k[0].int64("estate_id");
    rows = c.exec(
        "SELECT e.id, e.visit_id, e.kiosk_id, e.seq FROM gh.evidence e WHERE e.kiosk_id = $1 "
        "AND e.captured_at >= $2::timestamptz AND e.captured_at < $3::timestamptz ORDER BY e.seq",
        {*s.kioskId, s.from, s.to});
  } else {
    throw Error(ErrorKind::InvalidInput, "give --visit, or --kiosk with --from and --to", "",
                "evidence_scope");
  }
  std::vector<Item> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back({rows[i].text("id"), rows[i].text("visit_id"), rows[i].optInt64("kiosk_id"),
                   rows[i].int64("seq")});
  return out;
}

// Every link of one chain between the first and the last item in scope, with the photos of
// the items in scope attached.
evidence::ChainSegment segmentFor(Connection& c, std::int64_t estate,
                                  std::optional<std::int64_t> kiosk, std::int64_t from,
                                  std::int64_t to, const std::set<std::string>& inScope,
                                  std::vector<evidence::BundleFile>& photos) {
  evidence::ChainSegment seg;
  seg.kioskId = kiosk;
  if (kiosk)
    seg.kioskName = c.exec("SELECT name FROM gh.kiosk WHERE id = $1", {*kiosk})[0].text("name");
  const std::string sql =
      std::string(
          "SELECT e.id, e.seq, e.visit_id, e.kind::text AS kind, e.content_type, "
          "to_char(e.captured_at AT TIME ZONE 'UTC', ") +
      kUtc +
      ") AS captured, e.sha256, coalesce(e.prev_chain, '') AS prev, e.chain_sha256, "
      "e.data IS NULL AS purged FROM gh.evidence e WHERE e.estate_id = $2 AND " +
      // Two spellings so both use the (kiosk_id, seq) index; IS NOT DISTINCT FROM would not.
      (kiosk ? "e.kiosk_id = $1::bigint" : "e.kiosk_id IS NULL AND $1::bigint IS NULL") +
      " AND e.seq BETWEEN $3 AND $4 ORDER BY e.seq";
  const auto rows = c.exec(sql, {kiosk, estate, from, to});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto r = rows[i];
    evidence::ChainLink l{r.text("id"),       r.int64("seq"),         r.text("visit_id"),
                          r.text("kind"),     r.text("captured"),     r.text("sha256"),
                          r.text("prev"),     r.text("chain_sha256"), "",
                          r.boolean("purged")};
    if (inScope.count(l.id) && !l.purged) {
      l.photoPath = "photos/" + l.id + (r.text("content_type") == "image/png" ? ".png" : ".jpg");
      const auto b = c.exec("SELECT data FROM gh.evidence WHERE id = $1", {l.id})[0].bytes("data");
      photos.push_back({l.photoPath, std::string(b.begin(), b.end())});
    }
    seg.links.push_back(std::move(l));
  }
  return seg;
}

void requireRegisteredKey(Connection& c, std::int64_t estate, const evidence::EvidenceKey& key) {
  if (key.estateId != estate)
    throw Error(ErrorKind::Forbidden,
                "the key file is for estate " + std::to_string(key.estateId) + ", not " +
                    std::to_string(estate),
                "", "wrong_estate_key");
  if (evidencePublicKey(c, estate) != evidence::encodePublicKey(key.publicKey))
    throw Error(ErrorKind::Forbidden,
                "the key file is not the estate's active evidence key (run evidence-key init)", "",
                "unregistered_key");
}

// A directory bundle, or the one-file archive when `out` ends in ".tar" (never overwritten).
Status writeOut(const std::string& out, const evidence::BundleContent& content,
                const evidence::EvidenceKey& key) {
  if (out.size() < 4 || out.compare(out.size() - 4, 4, ".tar") != 0)
    return evidence::writeBundle(out, content, key);
  auto bytes = evidence::archiveBundle(content, key);
  if (!bytes) return bytes.error();
  std::error_code ec;
  if (std::filesystem::exists(out, ec)) return makeError("exists", out + " exists");
  std::ofstream file(out, std::ios::binary);
  file << *bytes;
  file.close();
  if (!file) return makeError("io", "cannot write " + out);
  return Ok{};
}

}  // namespace

std::string initEvidenceKey(Connection& c, std::int64_t estateId, const std::string& keyFile) {
  if (c.exec("SELECT 1 FROM gh.estate WHERE id = $1", {estateId}).empty())
    throw Error(ErrorKind::NotFound, "estate " + std::to_string(estateId) + " not found", "",
                "estate_not_found");
  const auto key = evidence::EvidenceKey::generate(estateId);
  if (auto s = evidence::saveKeyFile(keyFile, key); !s)
    throw Error(ErrorKind::InvalidInput, s.error().message, "", s.error().code);
  const Bytes pub(key.publicKey.begin(), key.publicKey.end());
  c.transaction([&](Connection& tx) {
    tx.exec("UPDATE gh.evidence_key SET active = false WHERE estate_id = $1", {estateId});
    tx.exec(
        "INSERT INTO gh.evidence_key (estate_id, key_id, public_key) SELECT $1, "
        "coalesce(max(key_id), 0) + 1, $2 FROM gh.evidence_key WHERE estate_id = $1",
        {estateId, pub});
    tx.exec(
        "SELECT gh.audit($1, 'evidence_key.created', NULL, $2::jsonb)",
        {estateId, nlohmann::json({{"fingerprint", evidence::fingerprint(key.publicKey)}}).dump()});
  });
  return evidence::encodePublicKey(key.publicKey);
}

std::string evidencePublicKey(Connection& c, std::int64_t estateId) {
  auto r = c.exec(
      "SELECT public_key FROM gh.evidence_key WHERE estate_id = $1 AND active "
      "ORDER BY key_id DESC LIMIT 1",
      {estateId});
  if (r.empty()) return {};
  const auto b = r[0].bytes("public_key");
  evidence::PublicKey k{};
  std::copy(b.begin(), b.end(), k.begin());
  return evidence::encodePublicKey(k);
}

EvidenceExport exportEvidence(Connection& c, const EvidenceScope& scope,
                              const evidence::EvidenceKey& key, const std::string& dir) {
  std::int64_t estate = 0;
  const auto items = itemsInScope(c, scope, estate);
  requireRegisteredKey(c, estate, key);
  if (items.empty())
    throw Error(ErrorKind::NotFound, "no evidence in that scope", "", "no_evidence");

  evidence::BundleContent content;
  content.estateName = c.exec("SELECT name FROM gh.estate WHERE id = $1", {estate})[0].text("name");
  content.createdAt =
      c.exec(std::string("SELECT to_char(now() AT TIME ZONE 'UTC', ") + kUtc + ") AS t")[0].text(
          "t");
  content.scope = scope.visit ? "visit " + scope.visit->toString()
                              : "kiosk " + std::to_string(*scope.kioskId) + " from " + scope.from +
                                    " to " + scope.to;
  std::set<std::string> inScope, visits;
  std::map<std::optional<std::int64_t>, std::pair<std::int64_t, std::int64_t>> ranges;
  for (const auto& it : items) {
    inScope.insert(it.id);
    visits.insert(it.visit);
    auto [pos, fresh] = ranges.try_emplace(it.kiosk, it.seq, it.seq);
    if (!fresh)
      pos->second = {std::min(pos->second.first, it.seq), std::max(pos->second.second, it.seq)};
  }
  EvidenceExport out{static_cast<int>(visits.size()), 0, 0};
  for (const auto& [kiosk, range] : ranges) {
    content.chain.push_back(
        segmentFor(c, estate, kiosk, range.first, range.second, inScope, content.files));
    out.links += static_cast<int>(content.chain.back().links.size());
  }
  out.photos = static_cast<int>(content.files.size());
  for (const auto& v : visits) {
    auto r = c.exec(
        "SELECT jsonb_build_object('visit', to_jsonb(v) - 'exit_token_hash', 'visitor', "
        "vr.full_name, 'unit', u.label, 'kiosk', k.name)::text AS doc FROM gh.visit v "
        "JOIN gh.visitor vr ON vr.id = v.visitor_id JOIN gh.unit u ON u.id = v.unit_id "
        "LEFT JOIN gh.kiosk k ON k.id = v.kiosk_id WHERE v.id = $1",
        {v});
    content.files.push_back(
        {"records/visit-" + v + ".json", nlohmann::json::parse(r[0].text("doc")).dump(2) + "\n"});
  }
  if (auto s = writeOut(dir, content, key); !s)
    throw Error(ErrorKind::InvalidInput, s.error().message, "", s.error().code);
  c.exec("SELECT gh.audit($1, 'evidence.export', $2, $3::jsonb)",
         {estate, scope.visit ? scope.visit->toString() : std::string(),
          nlohmann::json({{"scope", content.scope}, {"photos", out.photos}, {"links", out.links}})
              .dump()});
  return out;
}

}  // namespace gatehouse::backend
