// ServerClient: one libcurl handle, the session cookie and CSRF token in memory, JSON via wire.
#include "gatehouse/console/server_client.hpp"

#include <openssl/evp.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>

#include "gatehouse/console/wire.hpp"
#include "transport.hpp"

namespace gatehouse::console {

using json = nlohmann::json;

struct ServerClient::Impl {
  ServerOptions options;
  CURL* curl = nullptr;
  mutable std::mutex m;  // the handle, cookie and token
  std::string cookie;
  std::string csrf;
  std::atomic<bool> aborted{false};

  ~Impl() {
    if (curl) curl_easy_cleanup(curl);
  }
};

namespace {

struct Exchange {
  HttpReply reply;
  std::string setCookie;
  const std::atomic<bool>* aborted = nullptr;
};

std::size_t onBody(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<Exchange*>(user)->reply.body.append(data, size * n);
  return size * n;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  return s;
}

std::size_t onHeader(char* data, std::size_t size, std::size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const std::string line(data, size * n);
  const auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  const std::string name = lower(line.substr(0, colon));
  const std::string value = trim(line.substr(colon + 1));
  if (name == "set-cookie") ex->setCookie = value.substr(0, value.find(';'));
  if (name == "content-type") ex->reply.contentType = value;
  if (name == "retry-after") ex->reply.retryAfter = value;
  return size * n;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Exchange*>(user)->aborted->load() ? 1 : 0;
}

std::string base64(const Bytes& data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(),
                                static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

BackendErrorKind kindFor(long status) {
  switch (status) {
    case 401:
      return BackendErrorKind::SignedOut;
    case 403:
      return BackendErrorKind::Forbidden;
    case 404:
      return BackendErrorKind::NotFound;
    case 409:
      return BackendErrorKind::Conflict;
    case 400:
    case 422:
      return BackendErrorKind::Invalid;
    case 423:
      return BackendErrorKind::Locked;
    case 429:
      return BackendErrorKind::Throttled;
    default:
      return BackendErrorKind::Server;
  }
}

}  // namespace

BackendError errorFor(const HttpReply& reply) {
  std::string code = "http_" + std::to_string(reply.status), detail;
  json j = json::parse(reply.body, nullptr, false);
  if (j.is_object()) {
    if (auto it = j.find("error"); it != j.end() && it->is_string()) code = it->get<std::string>();
    for (const char* k : {"detail", "field", "until_ms"}) {
      if (auto it = j.find(k); it != j.end() && !it->is_null()) {
        detail = it->is_string() ? it->get<std::string>() : it->dump();
        break;
      }
    }
  }
  if (reply.status == 429 && detail.empty()) detail = reply.retryAfter;
  return BackendError(kindFor(reply.status), code, detail, static_cast<int>(reply.status));
}

ServerClient::ServerClient(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  detail::globalCurlInit();
  impl_->options = std::move(options);
  impl_->curl = curl_easy_init();
}

ServerClient::~ServerClient() = default;

const ServerOptions& ServerClient::options() const { return impl_->options; }

void ServerClient::abort() { impl_->aborted = true; }
void ServerClient::resume() { impl_->aborted = false; }
bool ServerClient::aborted() const { return impl_->aborted.load(); }

std::string ServerClient::cookie() const {
  std::lock_guard lock(impl_->m);
  return impl_->cookie;
}

bool ServerClient::signedIn() const { return !cookie().empty(); }

HttpReply ServerClient::send(const std::string& method, const std::string& path,
                             const std::string& jsonBody) {
  auto& d = *impl_;
  std::lock_guard lock(d.m);
  if (d.aborted) throw BackendError(BackendErrorKind::Unreachable, "unreachable", "stopped");
  CURL* c = d.curl;
  curl_easy_reset(c);
  detail::applyTransport(c, d.options);
  const std::string url = detail::joinUrl(d.options.url, path);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(d.options.requestTimeout.count()));
  Exchange ex;
  ex.aborted = &d.aborted;
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &ex);
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Accept: application/json");
  if (!d.cookie.empty()) curl_easy_setopt(c, CURLOPT_COOKIE, d.cookie.c_str());
  if (method == "POST") {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    if (!d.csrf.empty()) headers = curl_slist_append(headers, ("X-CSRF-Token: " + d.csrf).c_str());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, jsonBody.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(jsonBody.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    throw BackendError(BackendErrorKind::Unreachable, "unreachable",
                       d.aborted ? "stopped" : curl_easy_strerror(rc));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &ex.reply.status);
  if (!ex.setCookie.empty()) d.cookie = ex.setCookie;
  return std::move(ex.reply);
}

namespace {

std::string expectOk(HttpReply r) {
  if (r.status < 200 || r.status >= 300) throw errorFor(r);
  return std::move(r.body);
}

json parseObject(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object()) throw BackendError(BackendErrorKind::Server, "bad_reply", "not an object");
  return j;
}

std::int64_t idFrom(const std::string& body, const char* key) {
  json j = parseObject(body);
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer())
    throw BackendError(BackendErrorKind::Server, "bad_reply", std::string("no ") + key);
  return it->get<std::int64_t>();
}

Photo photoFrom(HttpReply r) {
  if (r.status == 404) return {};
  if (r.status != 200) throw errorFor(r);
  Photo p;
  p.data.assign(r.body.begin(), r.body.end());
  p.contentType = r.contentType;
  return p;
}

}  // namespace

Session ServerClient::login(const std::string& email, const std::string& password,
                            const std::string& totp) {
  {
    std::lock_guard lock(impl_->m);
    impl_->cookie.clear();
    impl_->csrf.clear();
  }
  json body{{"email", email}, {"password", password}, {"client", "console"}};
  if (!totp.empty()) body["totp"] = totp;
  auto reply = send("POST", "/api/login", body.dump());
  if (reply.status != 200) {
    std::lock_guard lock(impl_->m);
    impl_->cookie.clear();
    throw errorFor(reply);
  }
  std::string csrf;
  Session s = wire::parseLogin(reply.body, csrf);
  std::lock_guard lock(impl_->m);
  if (impl_->cookie.empty())
    throw BackendError(BackendErrorKind::Server, "bad_reply", "the sign-in set no cookie");
  impl_->csrf = csrf;
  return s;
}

void ServerClient::logout() {
  try {
    if (signedIn()) send("POST", "/api/logout", "{}");
  } catch (const BackendError&) {
    // Signed out locally anyway: the server's session expires on its own.
  }
  std::lock_guard lock(impl_->m);
  impl_->cookie.clear();
  impl_->csrf.clear();
}

Session ServerClient::session() {
  return wire::parseSession(expectOk(send("GET", "/api/staff/session")));
}
std::vector<KioskTile> ServerClient::kiosks() {
  return wire::parseKiosks(expectOk(send("GET", "/api/staff/kiosks")));
}
std::vector<PendingVisit> ServerClient::queue() {
  return wire::parseQueue(expectOk(send("GET", "/api/staff/queue")));
}
std::vector<AlertItem> ServerClient::openAlerts() {
  return wire::parseAlerts(expectOk(send("GET", "/api/staff/alerts?state=open")));
}
std::vector<AlertItem> ServerClient::recentAcknowledged(int limit) {
  return wire::parseAlerts(
      expectOk(send("GET", "/api/staff/alerts?state=acknowledged&limit=" + std::to_string(limit))));
}
std::vector<OnSiteVisitor> ServerClient::onSite() {
  return wire::parseOnSite(expectOk(send("GET", "/api/staff/onsite")));
}
std::vector<HistoryRow> ServerClient::search(const HistoryQuery& q) {
  return wire::parseHistory(expectOk(send("GET", "/api/staff/history?" + wire::historyQuery(q))));
}
Photo ServerClient::visitPhoto(const Uuid& visit) {
  return photoFrom(send("GET", "/api/staff/visits/" + visit.toString() + "/photo"));
}
Photo ServerClient::evidencePhoto(const Uuid& id) {
  return photoFrom(send("GET", "/api/staff/evidence/" + id.toString() + "/photo"));
}
Photo ServerClient::alertPhoto(std::int64_t alertId) {
  return photoFrom(send("GET", "/api/staff/alerts/" + std::to_string(alertId) + "/photo"));
}
std::vector<UnitOption> ServerClient::units() {
  return wire::parseUnits(expectOk(send("GET", "/api/staff/units")));
}

std::string ServerClient::decide(const Uuid& visit, bool approve, const std::string& reason) {
  auto body = expectOk(send("POST", "/api/staff/visits/" + visit.toString() + "/decide",
                            json{{"approve", approve}, {"reason", reason}}.dump()));
  json j = parseObject(body);
  return j.value("status", std::string());
}
int ServerClient::acknowledge(const std::vector<std::int64_t>& ids) {
  return static_cast<int>(idFrom(
      expectOk(send("POST", "/api/staff/alerts/ack", json{{"ids", ids}}.dump())), "acknowledged"));
}
void ServerClient::cancel(const Uuid& visit) {
  expectOk(send("POST", "/api/staff/visits/" + visit.toString() + "/cancel", "{}"));
}
TimePoint ServerClient::manualEntry(const Uuid& visit, std::int64_t unitId, const std::string& name,
                                    const std::string& phone, const std::string& purpose,
                                    const std::string& reason, const Photo& photo) {
  json body{{"visit_id", visit.toString()},
            {"unit_id", unitId},
            {"name", name},
            {"phone", phone},
            {"purpose", purpose},
            {"reason", reason},
            {"photo_base64", nullptr},
            {"photo_type", nullptr}};
  if (!photo.empty()) {
    body["photo_base64"] = base64(photo.data);
    body["photo_type"] = photo.contentType;
  }
  auto reply = expectOk(send("POST", "/api/staff/visits/manual-entry", body.dump()));
  return wire::fromMs(idFrom(reply, "expected_exit_at_ms"));
}
void ServerClient::manualExit(const Uuid& visit, const std::string& reason) {
  expectOk(send("POST", "/api/staff/visits/" + visit.toString() + "/manual-exit",
                json{{"reason", reason}}.dump()));
}
std::vector<WatchlistEntry> ServerClient::watchlist() {
  return wire::parseWatchlist(expectOk(send("GET", "/api/staff/watchlist")));
}
std::int64_t ServerClient::watchlistAdd(const std::string& name, const std::string& reason) {
  return idFrom(expectOk(send("POST", "/api/staff/watchlist",
                              json{{"name", name}, {"reason", reason}}.dump())),
                "id");
}
std::int64_t ServerClient::watchlistAddFromVisit(const Uuid& visit, const std::string& reason) {
  return idFrom(expectOk(send("POST", "/api/staff/watchlist/from-visit",
                              json{{"visit_id", visit.toString()}, {"reason", reason}}.dump())),
                "id");
}
void ServerClient::watchlistSetActive(std::int64_t id, bool active) {
  expectOk(send("POST", "/api/staff/watchlist/" + std::to_string(id) + "/active",
                json{{"active", active}}.dump()));
}
std::vector<AlertItem> ServerClient::watchlistHits(std::int64_t id) {
  return wire::parseAlerts(
      expectOk(send("GET", "/api/staff/watchlist/" + std::to_string(id) + "/hits")));
}
std::int64_t ServerClient::openGate(const GateCommand& g) {
  return idFrom(
      expectOk(send("POST", "/api/staff/kiosks/" + std::to_string(g.kioskId) + "/open-gate",
                    json{{"direction", g.direction}, {"reason", g.reason}}.dump())),
      "command_id");
}
RetentionSettings ServerClient::retention() {
  return wire::parseRetention(expectOk(send("GET", "/api/staff/retention")));
}
RetentionSettings ServerClient::setRetention(const RetentionSettings& settings) {
  return wire::parseRetention(
      expectOk(send("POST", "/api/staff/retention", wire::retentionChange(settings))));
}
Bytes ServerClient::evidenceBundle(const Uuid& visit) {
  auto body = expectOk(send("GET", "/api/staff/visits/" + visit.toString() + "/evidence"));
  return Bytes(body.begin(), body.end());
}

}  // namespace gatehouse::console
