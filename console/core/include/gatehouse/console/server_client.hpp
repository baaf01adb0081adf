// ServerClient: ConsoleBackend over the server's staff API (libcurl, HTTPS). The session cookie
// and CSRF token live in this object's memory only: nothing is written to disk.
#pragma once
#include <chrono>
#include <memory>
#include <string>

#include "gatehouse/console/backend.hpp"
#include "gatehouse/core/result.hpp"

namespace gatehouse::console {

struct ServerOptions {
  std::string url;        // https://host:port (http:// only to a loopback address)
  std::string caFile;     // PEM file of the CA that signed the server; empty = system CAs
  std::string pinSha256;  // base64 sha256 of the server's public key ("sha256//..." too)
  std::chrono::milliseconds connectTimeout{3000};
  std::chrono::milliseconds requestTimeout{10000};
};

// Refuses a URL that is not http(s), plain http to anything but loopback, a missing CA file.
// The error code is "bad_server_url" or "bad_ca_file" with a sentence.
Status validate(const ServerOptions& options);

struct HttpReply {
  long status = 0;
  std::string body;
  std::string contentType;
  std::string retryAfter;
};

class ServerClient : public ConsoleBackend {
 public:
  explicit ServerClient(ServerOptions options);
  ~ServerClient() override;
  ServerClient(const ServerClient&) = delete;
  ServerClient& operator=(const ServerClient&) = delete;

  // POST /api/login: staff accounts need the 6-digit code. Throws BackendError (SignedOut with
  // code invalid_credentials, Locked, Throttled, Unreachable...).
  Session login(const std::string& email, const std::string& password, const std::string& totp);
  void logout();  // best effort; forgets the cookie and token either way
  bool signedIn() const;
  // Makes every call in flight and every later call fail at once as Unreachable (shutdown).
  void abort();
  void resume();  // calls work again after abort() (the session is kept)
  bool aborted() const;
  const ServerOptions& options() const;
  std::string cookie() const;  // "name=value" for the event stream; empty when signed out

  // One request; throws only Unreachable. Public for the transport tests.
  HttpReply send(const std::string& method, const std::string& path,
                 const std::string& jsonBody = {});

  Session session() override;
  std::vector<KioskTile> kiosks() override;
  std::vector<PendingVisit> queue() override;
  std::vector<AlertItem> openAlerts() override;
  std::vector<AlertItem> recentAcknowledged(int limit = 20) override;
  std::vector<OnSiteVisitor> onSite() override;
  std::vector<HistoryRow> search(const HistoryQuery& query) override;
  Photo visitPhoto(const Uuid& visit) override;
  Photo evidencePhoto(const Uuid& evidenceId) override;
  Photo alertPhoto(std::int64_t alertId) override;
  std::vector<UnitOption> units() override;
  std::string decide(const Uuid& visit, bool approve, const std::string& reason) override;
  int acknowledge(const std::vector<std::int64_t>& alertIds) override;
  void cancel(const Uuid& visit) override;
  TimePoint manualEntry(const Uuid& visit, std::int64_t unitId, const std::string& name,
                        const std::string& phone, const std::string& purpose,
                        const std::string& reason, const Photo& photo = {}) override;
  void manualExit(const Uuid& visit, const std::string& reason) override;
  std::vector<WatchlistEntry> watchlist() override;
  std::int64_t watchlistAdd(const std::string& name, const std::string& reason) override;
  std::int64_t watchlistAddFromVisit(const Uuid& visit, const std::string& reason) override;
  void watchlistSetActive(std::int64_t id, bool active) override;
  std::vector<AlertItem> watchlistHits(std::int64_t watchlistId) override;
  std::int64_t openGate(const GateCommand& command) override;
  RetentionSettings retention() override;
  RetentionSettings setRetention(const RetentionSettings& settings) override;
  Bytes evidenceBundle(const Uuid& visit) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The error a non-2xx reply stands for (status and the body's "error" code).
BackendError errorFor(const HttpReply& reply);

}  // namespace gatehouse::console
