// The route table: matching by segments with {id} parameters, access rules, and the listing.
#include "route_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "gatehouse/portal/routes.hpp"

namespace gatehouse::portal {
namespace {

HttpResponse ok(Context&, const Call&) { return {}; }

TEST(PortalRouteTable, MatchesLiteralsBeforeParametersAndCapturesSegments) {
  RouteTable t;
  t.add("GET", "/api/visits/pending", RouteTable::Access::Resident, ok);
  t.add("GET", "/api/visits/{id}", RouteTable::Access::Resident, ok);
  t.add("POST", "/api/visits/{id}/decide", RouteTable::Access::Resident, ok);
  auto pending = t.match("GET", "/api/visits/pending");
  ASSERT_NE(pending.route, nullptr);
  EXPECT_EQ(pending.route->info.pattern, "/api/visits/pending");
  EXPECT_TRUE(pending.params.empty());
  auto one = t.match("GET", "/api/visits/abc");
  ASSERT_NE(one.route, nullptr);
  EXPECT_EQ(one.params, std::vector<std::string>{"abc"});
  auto decide = t.match("POST", "/api/visits/abc/decide");
  ASSERT_NE(decide.route, nullptr);
  EXPECT_EQ(decide.params, std::vector<std::string>{"abc"});
  EXPECT_EQ(t.match("GET", "/api/visits/abc/decide").route, nullptr);  // wrong method
  EXPECT_EQ(t.match("POST", "/api/visits/abc/decide/x").route, nullptr);
  EXPECT_EQ(t.match("GET", "/api/other").route, nullptr);
}

TEST(PortalRouteTable, AccessDecidesSessionCsrfAndRoles) {
  RouteTable t;
  t.add("POST", "/api/login", RouteTable::Access::Public, ok);
  t.add("POST", "/api/logout", RouteTable::Access::SignedIn, ok);
  t.add("GET", "/api/staff/units", RouteTable::Access::Staff, ok);
  t.add("POST", "/api/staff/watchlist", RouteTable::Access::Admin, ok);
  auto l = t.list();
  ASSERT_EQ(l.size(), 4u);
  EXPECT_FALSE(l[0].session);
  EXPECT_FALSE(l[0].csrf);
  EXPECT_TRUE(l[1].session);
  EXPECT_TRUE(l[1].csrf);
  EXPECT_TRUE(roleAllowed(l[1], "resident"));
  EXPECT_FALSE(l[2].csrf);
  EXPECT_TRUE(roleAllowed(l[2], "guard"));
  EXPECT_FALSE(roleAllowed(l[2], "resident"));
  EXPECT_FALSE(roleAllowed(l[3], "guard"));
  EXPECT_TRUE(roleAllowed(l[3], "admin"));
}

TEST(PortalRouteTable, ListsEveryRouteOfTheServerOnce) {
  auto routes = listRoutes();
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& r : routes) {
    EXPECT_TRUE(r.method == "GET" || r.method == "POST") << r.pattern;
    EXPECT_TRUE(seen.emplace(r.method, r.pattern).second) << "twice: " << r.pattern;
  }
  for (auto want : {std::pair<std::string, std::string>{"POST", "/api/login"},
                    {"GET", "/api/visits/{id}"},
                    {"POST", "/api/invitations/{id}/revoke"},
                    {"GET", "/api/events"},
                    {"GET", "/healthz"}})
    EXPECT_TRUE(seen.count(want)) << want.first << " " << want.second;
  auto events = std::find_if(routes.begin(), routes.end(),
                             [](const RouteInfo& r) { return r.pattern == "/api/events"; });
  ASSERT_NE(events, routes.end());
  EXPECT_TRUE(events->stream);
}

}  // namespace
}  // namespace gatehouse::portal
