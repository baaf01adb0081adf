// JSON spelling of chain links and segments, shared by the bundle writer and verifier.
#pragma once
#include <nlohmann/json.hpp>

#include "gatehouse/evidence/bundle.hpp"

namespace gatehouse::evidence {

inline void to_json(nlohmann::json& j, const ChainLink& l) {
  j = {{"id", l.id},
       {"seq", l.seq},
       {"visit", l.visitId},
       {"kind", l.kind},
       {"captured_at", l.capturedAt},
       {"sha256", l.sha256},
       {"prev_chain", l.prevChain},
       {"chain_sha256", l.chainSha256},
       {"photo", l.photoPath},
       {"purged", l.purged}};
}
inline void from_json(const nlohmann::json& j, ChainLink& l) {
  j.at("id").get_to(l.id);
  j.at("seq").get_to(l.seq);
  j.at("visit").get_to(l.visitId);
  j.at("kind").get_to(l.kind);
  j.at("captured_at").get_to(l.capturedAt);
  j.at("sha256").get_to(l.sha256);
  j.at("prev_chain").get_to(l.prevChain);
  j.at("chain_sha256").get_to(l.chainSha256);
  j.at("photo").get_to(l.photoPath);
  j.at("purged").get_to(l.purged);
}
inline void to_json(nlohmann::json& j, const ChainSegment& s) {
  j = {{"kiosk", s.kioskId ? nlohmann::json(*s.kioskId) : nlohmann::json(nullptr)},
       {"kiosk_name", s.kioskName},
       {"links", s.links}};
}
inline void from_json(const nlohmann::json& j, ChainSegment& s) {
  if (!j.at("kiosk").is_null()) s.kioskId = j.at("kiosk").get<std::int64_t>();
  j.at("kiosk_name").get_to(s.kioskName);
  j.at("links").get_to(s.links);
}

}  // namespace gatehouse::evidence
