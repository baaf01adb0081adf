// Whether the server keeps acknowledged commits through a crash (fsync, synchronous_commit,
// full_page_writes): checked by `gatehouse-admin status` and the portal's /healthz.
#pragma once
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"

namespace gatehouse::backend {

struct Durability {
  // One line per setting that can lose acknowledged commits, e.g. "synchronous_commit=off".
  std::vector<std::string> problems;
  bool durable() const { return problems.empty(); }
};

// Reads the settings as this session sees them (synchronous_commit may be set per session).
Durability checkDurability(Connection& c);

}  // namespace gatehouse::backend
