// Web Push for the portal (internal): VAPID keys (RFC 8292), aes128gcm payloads (RFC 8291),
// delivery to push services (RFC 8030) and the background service that retries and prunes.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gatehouse/backend/push_client.hpp"
#include "gatehouse/core/result.hpp"
#include "gatehouse/portal/config.hpp"

namespace gatehouse::portal {

// The server's VAPID key pair (P-256), read from a PEM credential file.
class VapidKeys {
 public:
  VapidKeys();
  ~VapidKeys();
  VapidKeys(VapidKeys&&) noexcept;
  VapidKeys& operator=(VapidKeys&&) noexcept;
  // Errors: vapid_key (unreadable, not a P-256 key).
  static Result<VapidKeys> load(const std::string& pemPath);
  // Writes a fresh key to `pemPath` (mode 0600); refuses to overwrite an existing file.
  static Result<std::string> generate(const std::string& pemPath);
  // Uncompressed public point, base64url: the page's applicationServerKey and the header's k=.
  std::string publicKey() const;
  // "vapid t=<ES256 JWT>, k=<public key>" for the endpoint's origin.
  std::string authorization(const std::string& endpoint, const std::string& subject,
                            std::int64_t expiresUnix) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// RFC 8291 aes128gcm body for one subscription (p256dh and auth as base64url). Each call
// uses a fresh ephemeral key and salt. Errors: push_keys (malformed subscription keys).
Result<std::string> encryptPushPayload(const std::string& p256dh, const std::string& auth,
                                       const std::string& plaintext);

// "https://host[:port]" of an endpoint URL ("" when it is not https).
std::string endpointOrigin(const std::string& endpoint);

using PushTarget = backend::PushTarget;
struct PushMessage {
  std::string payload;             // JSON the service worker reads
  std::string urgency = "normal";  // very-low | low | normal | high
  std::string topic;               // replaces an undelivered message with the same topic
  int ttlSeconds = 600;
};
struct PushOutcome {
  enum class Kind { Accepted, Gone, Retry, Failed } kind = Kind::Failed;
  long status = 0;
  std::string error;
};

// Sends one message over HTTPS with libcurl; one Sender per thread (it keeps connections).
class PushSender {
 public:
  PushSender(const PortalConfig& config, const VapidKeys& keys);
  ~PushSender();
  PushSender(const PushSender&) = delete;
  PushSender& operator=(const PushSender&) = delete;
  PushOutcome send(const PushTarget& target, const PushMessage& message, std::int64_t nowUnix);

 private:
  const PortalConfig& config_;
  const VapidKeys& keys_;
  void* curl_ = nullptr;
};

// Delivers pushes on its own threads so no request or decision ever waits for a push service.
// 404/410 prune the subscription, 429/5xx/network errors retry with doubling backoff.
class PushService {
 public:
  // Builds the messages of a notification (kind, payload JSON text, person, subscription).
  using Composer = std::function<PushMessage(const std::string& kind, const std::string& payload,
                                             const PushTarget& target)>;
  PushService(const PortalConfig& config, VapidKeys keys, Composer composer);
  ~PushService();
  PushService(const PushService&) = delete;
  PushService& operator=(const PushService&) = delete;

  void start();
  void stop();
  const VapidKeys& keys() const { return keys_; }
  // Queues the pushes of one gh.notification row (looked up on the push thread).
  void notification(std::int64_t notificationId);
  // Queues one message to one device (the settings' "send a test").
  void direct(PushTarget target, PushMessage message);
  std::size_t sentCount() const;

 private:
  struct Job {
    std::int64_t notificationId = 0;  // 0 = a ready message
    PushTarget target;
    PushMessage message;
    int attempt = 0;
    std::chrono::steady_clock::time_point due;
  };
  struct Worker;  // one push thread's sender (keep-alive connections) and database connection
  void run();
  void process(Worker& w, Job job, std::int64_t nowUnix);
  void deliver(Worker& w, Job job, std::int64_t nowUnix);
  void record(Worker& w, std::int64_t subscriptionId, const char* outcome,
              const std::string& error);

  const PortalConfig& config_;
  VapidKeys keys_;
  Composer composer_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> ready_;
  std::vector<Job> later_;
  bool stopping_ = false;
  std::size_t sent_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace gatehouse::portal

// --- the portal's push API and messages (push_api.cpp) -----------------------------------------
namespace gatehouse::backend {
class Connection;
}
namespace gatehouse::portal {

// The message a notification kind pushes (empty payload: the kind does not push).
// `actionToken(visitId)` signs the single-use Let in / Deny token for this device.
PushMessage composePush(const std::string& kind, const std::string& payloadJson,
                        const std::function<std::string(const std::string& visitId)>& actionToken);
// The nonce of an action token names the device: "p<subscription>.<random>".
std::string pushNonce(std::int64_t subscriptionId, const std::string& random);
std::int64_t pushNonceSubscription(const std::string& nonce);  // 0 when not a push nonce

// Signed-in routes, run as the acting person. Bodies and answers are JSON text.
struct PushReply {
  int status = 200;
  std::string body;
};
PushReply pushList(backend::Connection& c, const VapidKeys* keys);
// `allowed`: addresses a push endpoint may have besides public ones (the webhook allowance).
PushReply pushSubscribe(backend::Connection& c, const std::string& body,
                        const std::vector<std::string>& allowed);
PushReply pushUnsubscribe(backend::Connection& c, std::int64_t subscriptionId);
// Finds one of the person's own devices (for "send a test" and decisions from a notification).
std::optional<PushTarget> pushOwnTarget(backend::Connection& c, std::int64_t subscriptionId);
PushMessage testPushMessage();

}  // namespace gatehouse::portal
