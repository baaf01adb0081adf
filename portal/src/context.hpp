// What every resource handler shares: configuration, clock, secrets, the live hub, the
// per-thread database connection and the signed-in person (not part of the public API).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/portal/config.hpp"
#include "gatehouse/portal/http.hpp"
#include "internal.hpp"
#include "json_out.hpp"
#include "staff_api.hpp"
#include "staff_live.hpp"
#include "unknown_accounts.hpp"

namespace gatehouse::portal {

class PushService;

inline constexpr const char* kSessionCookie = "gh_session";

// The signed-in person of a request (from the session cookie).
struct Auth {
  std::int64_t personId = 0;
  std::int64_t estateId = 0;
  std::int64_t unitId = 0;
  std::string role;
  std::string name;
  std::string csrf;
  std::string tokenHash;
  std::int64_t expiresMs = 0;
};

struct Context {
  Context(PortalConfig c, const Clock& clk);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  PortalConfig cfg;
  const Clock& clock;
  std::string secret;
  std::string dummyHash;  // verified against for unknown accounts: the same work either way
  std::string baseUrl;
  Hub hub;
  StaffHub staffHub;  // the guards' and admins' streams
  StaffSettings staff;
  LoginThrottle throttle;
  UnknownAccounts unknown;
  std::unique_ptr<PushService> push;                    // null when no VAPID key is configured
  std::function<void(std::function<void()>)> postWork;  // runs on a server worker thread
  std::function<void()> wakeDelivery;                   // a new notification may be waiting

  backend::Connection& db();  // one connection per thread and context
  void dropDb();              // after ConnectionLost: the next db() reconnects
  template <typename F>
  void asPerson(std::int64_t person, F&& f) {
    db().asPerson(person, std::forward<F>(f));
  }
  // The session's person, any role; nullopt when signed out or expired.
  std::optional<Auth> authenticate(const HttpRequest& req);
  std::string cookieHeader(const std::string& value, long maxAge, bool tls) const;
  std::string magicLink(const Uuid& visit, std::int64_t person) const;

 private:
  std::uint64_t serial_;
};

HttpResponse jsonResponse(int status, const json& body);
HttpResponse errorResponse(int status, const std::string& code, json extra = json::object());
HttpResponse rateLimited(int waitSeconds);        // 429 with Retry-After
HttpResponse badField(const std::string& field);  // 400 {"error":"bad_field","field":…}

// Reads an optional field of the body: false when it is there with another JSON type (null
// counts as absent and leaves `out` as it was).
bool readField(const json& body, const char* name, std::string& out);
bool readField(const json& body, const char* name, bool& out);

std::string trim(std::string s);
std::size_t utf8Length(const std::string& s);
bool isDate(const std::string& s);  // YYYY-MM-DD

}  // namespace gatehouse::portal
