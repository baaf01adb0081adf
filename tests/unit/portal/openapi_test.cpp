// docs/api/openapi.yaml against the server's real route table, both ways, with roles and auth.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

#include "gatehouse/portal/routes.hpp"

namespace gatehouse::portal {
namespace {

struct Documented {
  std::set<std::string> roles;
  bool secured = false;  // has a session security requirement
  bool csrf = false;
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "get /api/x" -> what the spec says about it.
std::map<std::string, Documented> documentedRoutes() {
  const YAML::Node doc = YAML::LoadFile(GATEHOUSE_OPENAPI_FILE);
  EXPECT_EQ(doc["openapi"].as<std::string>().rfind("3.0", 0), 0u);
  std::map<std::string, Documented> out;
  for (const auto& path : doc["paths"]) {
    for (const auto& op : path.second) {
      Documented d;
      for (const auto& r : op.second["x-roles"]) d.roles.insert(r.as<std::string>());
      for (const auto& req : op.second["security"]) {
        d.secured = d.secured || bool(req["session"]);
        d.csrf = d.csrf || bool(req["csrf"]);
      }
      out[op.first.as<std::string>() + " " + path.first.as<std::string>()] = d;
    }
  }
  return out;
}

TEST(OpenApi, EveryRouteIsDocumentedAndEveryDocumentedRouteExists) {
  const auto documented = documentedRoutes();
  std::set<std::string> real;
  for (const auto& r : listRoutes()) {
    const auto key = lower(r.method) + " " + r.pattern;
    real.insert(key);
    auto it = documented.find(key);
    if (it == documented.end()) {
      ADD_FAILURE() << "not in docs/api/openapi.yaml: " << key;
      continue;
    }
    EXPECT_EQ(it->second.roles, std::set<std::string>(r.roles.begin(), r.roles.end()))
        << "x-roles of " << key;
    EXPECT_EQ(it->second.secured, r.session) << "session security of " << key;
    EXPECT_EQ(it->second.csrf, r.csrf) << "csrf security of " << key;
  }
  for (const auto& [key, d] : documented)
    EXPECT_TRUE(real.count(key)) << "documented but the server has no such route: " << key;
  EXPECT_GT(real.size(), 40u);
}

TEST(OpenApi, EveryStaffRouteIsForGuardsOrAdmins) {
  for (const auto& r : listRoutes()) {
    if (r.pattern.rfind("/api/staff/", 0) != 0) continue;
    EXPECT_TRUE(r.session) << r.pattern;
    EXPECT_FALSE(r.roles.empty()) << r.pattern;
    for (const auto& role : r.roles) EXPECT_NE(role, "resident") << r.pattern;
  }
}

}  // namespace
}  // namespace gatehouse::portal
