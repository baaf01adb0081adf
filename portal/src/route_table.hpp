// The route table: method + path pattern ({id} segments) + what the route needs (session,
// CSRF, role) + its handler; matched by path segments (not part of the public API).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "context.hpp"
#include "gatehouse/portal/routes.hpp"

namespace gatehouse::portal {

// One matched request as a handler sees it.
struct Call {
  const HttpRequest& req;
  const json& body;
  const Auth* auth;                 // null on public routes
  std::vector<std::string> params;  // the {…} segments, in order
  const std::string& param(std::size_t i = 0) const { return params.at(i); }
};

using Handler = std::function<HttpResponse(Context&, const Call&)>;
using StreamHandler =
    std::function<HttpHandlers::StreamDecision(Context&, const HttpRequest&, const Auth&)>;

struct Route {
  RouteInfo info;
  Handler handler;       // for ordinary routes
  StreamHandler stream;  // for SSE routes (info.stream)
};

class RouteTable {
 public:
  // Who may call a route: anyone, any signed-in person, or signed-in people of these roles.
  enum class Access { Public, SignedIn, Resident, Staff, Admin };
  void add(std::string method, std::string pattern, Access access, Handler handler);
  void addStream(std::string pattern, Access access, StreamHandler handler);

  struct Match {
    const Route* route = nullptr;
    std::vector<std::string> params;
  };
  // The first route whose method and pattern fit; route == nullptr when none does.
  Match match(const std::string& method, const std::string& path) const;
  std::vector<RouteInfo> list() const;

 private:
  std::vector<Route> routes_;
};

std::vector<std::string> pathSegments(const std::string& path);
bool roleAllowed(const RouteInfo& route, const std::string& role);

// Every resource adds its routes (resources/*.cpp).
void addSignInRoutes(RouteTable& t);
void addVisitRoutes(RouteTable& t);
void addMagicRoutes(RouteTable& t);
void addInvitationRoutes(RouteTable& t);
void addGuestRoutes(RouteTable& t);
void addNotificationRoutes(RouteTable& t);
void addPushRoutes(RouteTable& t);
void addLiveRoutes(RouteTable& t);
void addStaffRoutes(RouteTable& t);
void addStaffEvidenceRoutes(RouteTable& t);
void addHealthRoutes(RouteTable& t);
RouteTable buildRouteTable();

// Dispatch (router.cpp): the checks every route shares (origin, JSON, session, CSRF, role),
// then the handler; backend errors become the API's status codes.
HttpResponse dispatch(Context& ctx, const RouteTable& t, const HttpRequest& req);
bool isStream(const RouteTable& t, const HttpRequest& req);
HttpHandlers::StreamDecision openStream(Context& ctx, const RouteTable& t, const HttpRequest& req);

}  // namespace gatehouse::portal
