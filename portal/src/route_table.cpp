// Route table: registration, matching by path segments, and the listable view of it.
#include "route_table.hpp"

#include <algorithm>

namespace gatehouse::portal {

namespace {

std::vector<std::string> rolesFor(RouteTable::Access a) {
  switch (a) {
    case RouteTable::Access::Resident:
      return {"resident"};
    case RouteTable::Access::Staff:
      return {"guard", "admin"};
    case RouteTable::Access::Admin:
      return {"admin"};
    default:
      return {};
  }
}

RouteInfo infoFor(std::string method, std::string pattern, RouteTable::Access access) {
  RouteInfo i;
  i.method = std::move(method);
  i.pattern = std::move(pattern);
  i.session = access != RouteTable::Access::Public;
  i.csrf = i.session && i.method == "POST";
  i.roles = rolesFor(access);
  return i;
}

bool isParam(const std::string& s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

}  // namespace

std::vector<std::string> pathSegments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool roleAllowed(const RouteInfo& route, const std::string& role) {
  return route.roles.empty() ||
         std::find(route.roles.begin(), route.roles.end(), role) != route.roles.end();
}

void RouteTable::add(std::string method, std::string pattern, Access access, Handler handler) {
  routes_.push_back(
      {infoFor(std::move(method), std::move(pattern), access), std::move(handler), nullptr});
}

void RouteTable::addStream(std::string pattern, Access access, StreamHandler handler) {
  Route r{infoFor("GET", std::move(pattern), access), nullptr, std::move(handler)};
  r.info.stream = true;
  routes_.push_back(std::move(r));
}

RouteTable::Match RouteTable::match(const std::string& method, const std::string& path) const {
  const auto seg = pathSegments(path);
  for (const auto& r : routes_) {
    if (r.info.method != method) continue;
    const auto pat = pathSegments(r.info.pattern);
    if (pat.size() != seg.size()) continue;
    Match m{&r, {}};
    for (std::size_t i = 0; i < pat.size() && m.route; ++i) {
      if (isParam(pat[i]))
        m.params.push_back(seg[i]);
      else if (pat[i] != seg[i])
        m.route = nullptr;
    }
    if (m.route) return m;
  }
  return {};
}

std::vector<RouteInfo> RouteTable::list() const {
  std::vector<RouteInfo> out;
  for (const auto& r : routes_) out.push_back(r.info);
  return out;
}

RouteTable buildRouteTable() {
  RouteTable t;
  addHealthRoutes(t);
  addSignInRoutes(t);
  addMagicRoutes(t);
  addGuestRoutes(t);
  addVisitRoutes(t);
  addInvitationRoutes(t);
  addNotificationRoutes(t);
  addPushRoutes(t);
  addLiveRoutes(t);
  addStaffRoutes(t);
  addStaffEvidenceRoutes(t);
  return t;
}

std::vector<RouteInfo> listRoutes() { return buildRouteTable().list(); }

}  // namespace gatehouse::portal
