// Offline-first link to the database: the flow's VisitBackend writes to the outbox, one worker
// thread sends it in order, polls decisions, answers directory searches, beats the heartbeat and
// refreshes the caches used offline. Results go back to the UI thread as flow events.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gatehouse/core/clock.hpp"
#include "gatehouse/flow/event_queue.hpp"
#include "gatehouse/flow/ports.hpp"
#include "gatehouse/kiosk/outbox.hpp"
#include "gatehouse/kiosk/serial_worker.hpp"

namespace gatehouse::backend {
class Listener;
}

namespace gatehouse::kiosk {

// A guard's command for this kiosk, taken from the database once (today: open_gate).
struct RemoteCommand {
  Uuid id;
  std::string kind;
  std::string direction;  // entry | exit
  std::string reason;
  std::int64_t requestedBy = 0;
};

struct HeartbeatInfo {
  std::string screen;
  std::string healthJson = "{}";
  std::int64_t outboxDepth = 0;
  std::string version;
};

// What the worker asks of the database. The real one wraps backend::KioskClient; every method may
// throw gatehouse::backend::Error.
class Remote {
 public:
  virtual ~Remote() = default;
  // Sends one outbox event; returns a short result ("pending", "recorded", ...).
  virtual std::string send(const OutboxEvent& event) = 0;
  virtual std::string visitStatus(const Uuid& visit) = 0;
  virtual std::vector<flow::DirectoryEntry> directory(const std::string& query) = 0;
  virtual void heartbeat(const HeartbeatInfo& beat) = 0;
  // Stores estate keys, revocations, guard PINs and the directory in the outbox's cache.
  virtual void refreshCaches(Outbox& cache) = 0;
  // Guard commands waiting for this kiosk; each is returned once.
  virtual std::vector<RemoteCommand> takeCommands() { return {}; }
};
using RemoteFactory = std::function<std::unique_ptr<Remote>()>;  // throws when unreachable

struct WorkerOptions {
  std::chrono::milliseconds pollEvery{500};
  std::chrono::milliseconds heartbeatEvery{5000};
  std::chrono::milliseconds cacheEvery{60000};
  std::chrono::milliseconds maxBackoff{3000};
  // Deferred events (an exit whose entry is still at another kiosk): first retry, longest gap,
  // and how long an exit photo may wait for its visit (by this kiosk's clock) before it is refused.
  std::chrono::milliseconds deferEvery{2000};
  std::chrono::milliseconds maxDefer{60000};
  std::chrono::milliseconds waitForOtherKiosks{std::chrono::hours(24)};
  std::string version = "0.1.0";
  // Decisions and commands are pushed: LISTEN on pushChannel (payload-free wake-ups; the worker
  // then asks through the kiosk functions). While that connection is up nothing is polled;
  // pollEvery is the fallback when it is down. Empty pushUrl: poll only.
  std::string pushUrl;
  std::string pushChannel;
};

class BackendWorker {
 public:
  BackendWorker(Outbox& outbox, flow::EventQueue& events, RemoteFactory connect,
                WorkerOptions options = {});
  ~BackendWorker();
  void start();
  void stop();
  void wake();

  void search(const std::string& query);
  void watch(const Uuid& visit);
  void unwatch(const Uuid& visit);
  void setScreen(const std::string& screen);
  void setHealth(const std::string& healthJson);
  bool online() const { return online_; }
  // Runs on the worker thread for every guard command taken (set before start()).
  void onCommand(std::function<void(const RemoteCommand&)> handler);
  // A wake-up from the push channel: ask for decisions and commands now.
  void pushed();
  bool pushConnected() const { return pushConnected_; }
  // Number of events sent successfully since start (tests, diagnostics).
  std::int64_t sentCount() const { return sent_; }

 private:
  void run();
  bool step(std::unique_lock<std::mutex>& lock);
  void setOnline(bool online);
  bool sendOne();
  void startPush();
  void pushState(bool connected);
  bool takeCommands(std::unique_lock<std::mutex>& lock);
  std::chrono::steady_clock::time_point nextPollAfter(std::chrono::steady_clock::time_point now);
  std::int64_t retryAt(const OutboxEvent& ev) const;
  bool youngEnoughToWait(const OutboxEvent& ev) const;

  Outbox& outbox_;
  flow::EventQueue& events_;
  RemoteFactory connect_;
  WorkerOptions options_;
  std::unique_ptr<Remote> remote_;

  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  std::optional<std::string> query_;
  std::optional<Uuid> watched_;
  std::string screen_ = "welcome";
  std::string health_ = "{}";
  std::thread thread_;
  std::atomic<bool> online_{false};
  std::optional<bool> reported_;
  std::atomic<std::int64_t> sent_{0};
  std::chrono::steady_clock::time_point nextConnect_{}, nextPoll_{}, nextBeat_{}, nextCache_{};
  std::chrono::milliseconds backoff_{200};
  std::function<void(const RemoteCommand&)> onCommand_;
  std::unique_ptr<backend::Listener> push_;
  std::atomic<bool> pushConnected_{false};
  std::chrono::steady_clock::time_point nextCommands_{};
};

// The flow's VisitBackend: every call is an outbox write (one transaction), then a wake-up.
class OutboxVisitBackend final : public flow::VisitBackend {
 public:
  // writer: the thread that commits to the outbox (a commit waits for the disk: not on the UI
  // thread); nullptr = commit in the caller. Events are stamped and ordered in the caller.
  OutboxVisitBackend(Outbox& outbox, BackendWorker& worker, const Clock& clock,
                     SerialWorker* writer = nullptr)
      : outbox_(outbox), worker_(worker), clock_(clock), writer_(writer) {}
  ~OutboxVisitBackend() override {
    if (writer_) writer_->flush();  // queued commits use this object
  }
  OutboxVisitBackend(const OutboxVisitBackend&) = delete;
  OutboxVisitBackend& operator=(const OutboxVisitBackend&) = delete;
  void searchDirectory(const std::string& query) override;
  void requestVisit(const flow::VisitRequest& request) override;
  void cancelVisit(const Uuid& visitId) override;
  void useInvitation(const Uuid& visitId, const InvitationPass& pass,
                     const std::string& visitorName) override;
  void addEntryPhoto(const Uuid& visitId, const std::vector<std::uint8_t>& jpeg) override;
  void checkIn(const Uuid& visitId, const ExitToken& token) override;
  void checkOut(const ExitToken& token, const std::vector<std::uint8_t>& exitPhotoJpeg) override;
  void guardApprovedAtKiosk(const Uuid& visitId, const std::string& guardId,
                            const std::string& pinCheckId) override;
  void raiseAlert(const std::string& kind, const std::optional<Uuid>& visitId,
                  const std::string& detailsJson) override;
  void raiseAlertWithPhoto(const std::string& kind, const std::optional<Uuid>& visitId,
                           const std::string& detailsJson,
                           const std::vector<std::uint8_t>& photoJpeg) override;

 private:
  void add(std::vector<OutboxEvent> events);
  void write(std::function<void()> job);
  void store(const std::vector<OutboxEvent>& events);  // on the writer
  OutboxEvent event(const Uuid& visit, const std::string& kind, const std::string& payload,
                    std::vector<std::uint8_t> blob = {});
  Outbox& outbox_;
  BackendWorker& worker_;
  const Clock& clock_;
  SerialWorker* writer_;
};

// Pass verification data from the cache (estate keys, revocations), refreshed by the worker.
class CachedPassTrust final : public flow::PassTrust {
 public:
  explicit CachedPassTrust(Outbox& cache) : cache_(cache) {}
  std::optional<PublicKey> key(std::int64_t estateId, std::uint8_t keyId) const override;
  bool revoked(const Uuid& invitationId) const override;

 private:
  Outbox& cache_;
};

// After a crash: visits this kiosk started but never finished are cancelled (through the outbox),
// so none is left half-made. Returns how many.
int recoverUnfinishedVisits(Outbox& outbox);

// Local directory search over the cached directory (used while offline).
std::vector<flow::DirectoryEntry> searchCachedDirectory(Outbox& cache, const std::string& query);

}  // namespace gatehouse::kiosk
