// The resident portal service: HTTP API, static page, live events, notification delivery.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/result.hpp"
#include "gatehouse/core/uuid.hpp"
#include "gatehouse/portal/config.hpp"

namespace gatehouse::portal {

class Portal {
 public:
  // `clock` decides link expiry; tests pass a ManualClock. It must outlive the portal.
  explicit Portal(PortalConfig config, const Clock& clock = SystemClock::instance());
  ~Portal();
  Portal(const Portal&) = delete;
  Portal& operator=(const Portal&) = delete;

  // Connects the event listener, starts delivery and binds the port. Throws on failure.
  void start();
  // Graceful: stops accepting, closes event streams, lets requests finish (up to `grace`).
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  std::uint16_t port() const;
  std::string url() const;  // http(s)://address:port
  // SIGHUP: re-reads the TLS certificate and key; false (old ones kept) with `error` set.
  bool reloadTls(std::string& error);
  std::size_t openStreams() const;
  const PortalConfig& config() const;

  // A signed magic link for (visit, person), as put in notifications. For tests and tools.
  std::string magicLinkToken(const Uuid& visitId, std::int64_t personId) const;
  // The Let in / Deny token a push to device `subscriptionId` carries. For tests and tools.
  std::string pushActionToken(const Uuid& visitId, std::int64_t personId,
                              std::int64_t subscriptionId) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes a new VAPID (Web Push) private key to `path` (PEM, mode 0600, never overwrites);
// returns the public key (base64url) that browsers see.
Result<std::string> generateVapidKey(const std::string& path);

}  // namespace gatehouse::portal
