// The staff API (/api/staff/*): guards' and admins' routes over backend::StaffClient, as data
// (resources/staff.cpp puts them in the route table, which checks session, CSRF and role).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/evidence/key.hpp"
#include "gatehouse/portal/http.hpp"

namespace gatehouse::portal {

// What staff handlers need from the server's configuration: the evidence signing key for
// GET /api/staff/visits/{id}/evidence (resources/staff_evidence.cpp), loaded once at start.
struct StaffSettings {
  std::string evidenceKeyFile;                       // "" when none is configured
  std::optional<evidence::EvidenceKey> evidenceKey;  // its key; nullopt: the route answers 503
};

// One signed-in staff request, as a handler sees it. The route table checked the role.
struct StaffRequest {
  backend::Connection& db;
  std::int64_t personId = 0;
  const HttpRequest& req;
  const nlohmann::json& body;
  std::vector<std::string> params;  // the {…} segments of the pattern, in order
  const StaffSettings& settings;
};

using StaffHandler = HttpResponse (*)(const StaffRequest&);
struct StaffRoute {
  const char* method;
  const char* pattern;  // e.g. /api/staff/visits/{id}/decide
  bool adminOnly;
  StaffHandler handler;
};

// Every staff route except the live stream (GET /api/staff/events), in matching order.
const std::vector<StaffRoute>& staffRoutes();

// A field of the JSON body or query with the wrong type or value: 400 {"error":"bad_field"}.
struct BadField {
  std::string field;
};

// Runs a handler, turning BadField into 400 with the field's name (backend errors pass through).
HttpResponse runStaffHandler(const StaffRoute& route, const StaffRequest& request);

}  // namespace gatehouse::portal
