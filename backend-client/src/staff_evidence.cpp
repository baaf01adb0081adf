// A visit's evidence for the staff API: gh.staff_evidence_bundle's JSON as bundle content.
#include <nlohmann/json.hpp>

#include "gatehouse/backend/evidence_export.hpp"

namespace gatehouse::backend {

namespace {

std::string fromHex(const std::string& hex) {
  auto nibble = [](char ch) {
    return ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10;  // PostgreSQL writes lower-case hex
  };
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return out;
}

// One chain segment; the photos of the visit go to `files` and are named in their links.
evidence::ChainSegment segmentFrom(const nlohmann::json& j,
                                   std::vector<evidence::BundleFile>& files) {
  evidence::ChainSegment s;
  if (!j.at("kiosk").is_null()) s.kioskId = j.at("kiosk").get<std::int64_t>();
  s.kioskName = j.at("kiosk_name").get<std::string>();
  for (const auto& l : j.at("links")) {
    evidence::ChainLink link{
        l.at("id"),     l.at("seq"),        l.at("visit"),        l.at("kind"), l.at("captured_at"),
        l.at("sha256"), l.at("prev_chain"), l.at("chain_sha256"), "",           l.at("purged")};
    if (l.at("data").is_string()) {
      link.photoPath = "photos/" + link.id +
                       (l.at("content_type").get<std::string>() == "image/png" ? ".png" : ".jpg");
      files.push_back({link.photoPath, fromHex(l.at("data").get<std::string>())});
    }
    s.links.push_back(std::move(link));
  }
  return s;
}

}  // namespace

evidence::BundleContent staffEvidenceContent(Connection& c, std::int64_t personId,
                                             const Uuid& visit,
                                             const std::optional<evidence::PublicKey>& key) {
  const Param pub = key ? Param(Bytes(key->begin(), key->end())) : Param();
  std::string text;
  c.asPerson(personId, [&](Connection& tx) {
    text = tx.exec("SELECT gh.staff_evidence_bundle($1, $2)::text AS b", {visit, pub})[0].text("b");
  });
  const auto j = nlohmann::json::parse(text);
  evidence::BundleContent content;
  content.estateName = j.at("estate_name").get<std::string>();
  content.createdAt = j.at("created_at").get<std::string>();
  content.scope = "visit " + visit.toString();
  for (const auto& seg : j.at("segments")) content.chain.push_back(segmentFrom(seg, content.files));
  content.files.push_back(
      {"records/visit-" + visit.toString() + ".json", j.at("record").dump(2) + "\n"});
  return content;
}

}  // namespace gatehouse::backend
