// One link of a kiosk's evidence hash chain, and the formula the database uses for it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace gatehouse::evidence {

struct ChainLink {
  std::string id;  // evidence uuid
  std::int64_t seq = 0;
  std::string visitId;
  std::string kind;        // entry_photo, exit_photo, id_scan, badge
  std::string capturedAt;  // UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ, exactly as hashed
  std::string sha256;      // of the photo bytes; kept when the photo is purged
  std::string prevChain;   // "" for the first link of a chain
  std::string chainSha256;
  std::string photoPath;  // path of the photo inside a bundle; "" when not included
  bool purged = false;
};

// sha256(prev | '|' | sha256 | '|' | visit | '|' | kind | '|' | captured_at), hex.
std::string chainHash(const std::string& prev, const std::string& sha256, const std::string& visit,
                      const std::string& kind, const std::string& capturedAt);
inline bool linkHolds(const ChainLink& l) {
  return chainHash(l.prevChain, l.sha256, l.visitId, l.kind, l.capturedAt) == l.chainSha256;
}

}  // namespace gatehouse::evidence
