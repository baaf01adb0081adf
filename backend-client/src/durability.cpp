// Reads the server settings an acknowledged commit depends on.
#include "gatehouse/backend/durability.hpp"

namespace gatehouse::backend {

Durability checkDurability(Connection& c) {
  auto rows = c.exec(
      "SELECT current_setting('fsync') AS fsync, "
      "current_setting('synchronous_commit') AS synchronous_commit, "
      "current_setting('full_page_writes') AS full_page_writes");
  Durability d;
  for (const char* setting : {"fsync", "synchronous_commit", "full_page_writes"}) {
    const std::string value = rows[0].text(setting);
    // synchronous_commit may also be local, remote_write or remote_apply: all wait for the local
    // WAL flush. Only "off" acknowledges before it.
    if (value == "off") d.problems.push_back(std::string(setting) + "=off");
  }
  return d;
}

}  // namespace gatehouse::backend
