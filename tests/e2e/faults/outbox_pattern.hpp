// What outbox_writer writes, so a reader can tell a whole event from a torn one.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace gatehouse::faults {

inline std::string payloadFor(const std::string& batch, int part) {
  return "{\"batch\":\"" + batch + "\",\"part\":" + std::to_string(part) + "}";
}

// Several pages, so one event spans many writes.
inline std::vector<std::uint8_t> blobFor(const std::string& id) {
  std::vector<std::uint8_t> b(24 * 1024);
  for (std::size_t i = 0; i < b.size(); ++i)
    b[i] = static_cast<std::uint8_t>(static_cast<std::size_t>(id[i % id.size()]) + i / id.size());
  return b;
}

}  // namespace gatehouse::faults
