// The server's routes as data: every (method, pattern) with what it requires, so tests and
// docs (docs/api/openapi.yaml) can be checked against the real table.
#pragma once
#include <string>
#include <vector>

namespace gatehouse::portal {

struct RouteInfo {
  std::string method;              // GET or POST
  std::string pattern;             // e.g. /api/visits/{id}/decide
  bool session = false;            // needs a signed-in person
  bool csrf = false;               // needs X-CSRF-Token (every POST that needs a session)
  std::vector<std::string> roles;  // allowed roles; empty = any (or public)
  bool stream = false;             // Server-Sent Events
};

// Every route of the server, in matching order.
std::vector<RouteInfo> listRoutes();

}  // namespace gatehouse::portal
