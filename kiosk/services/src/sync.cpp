// The outbox sender / decision poller / heartbeat thread and the outbox-backed flow ports.
#include "gatehouse/kiosk/sync.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "gatehouse/backend/error.hpp"
#include "gatehouse/backend/listener.hpp"
#include "gatehouse/core/base64url.hpp"
#include "gatehouse/core/password.hpp"

namespace gatehouse::kiosk {
namespace {

using json = nlohmann::json;
using flow::Event;
using flow::EventKind;

bool decided(const std::string& status) {
  return status == "approved" || status == "denied" || status == "expired" ||
         status == "cancelled" || status == "checked_in" || status == "checked_out";
}

std::string lowerAscii(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

BackendWorker::BackendWorker(Outbox& outbox, flow::EventQueue& events, RemoteFactory connect,
                             WorkerOptions options)
    : outbox_(outbox),
      events_(events),
      connect_(std::move(connect)),
      options_(std::move(options)) {}

BackendWorker::~BackendWorker() { stop(); }

void BackendWorker::start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { run(); });
  startPush();
}

void BackendWorker::stop() {
  push_.reset();  // its thread calls into this worker: stop it first
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackendWorker::onCommand(std::function<void(const RemoteCommand&)> handler) {
  std::lock_guard lock(mutex_);
  onCommand_ = std::move(handler);
}

void BackendWorker::startPush() {
  if (options_.pushUrl.empty() || options_.pushChannel.empty()) return;
  push_ = std::make_unique<backend::Listener>(
      options_.pushUrl, options_.pushChannel, [this](const backend::Notification&) { pushed(); },
      [this] { pushed(); },  // (re)connected: whatever was missed meanwhile is read now
      [this](bool connected) { pushState(connected); });
}

void BackendWorker::pushState(bool connected) {
  {
    std::lock_guard lock(mutex_);
    pushConnected_ = connected;
    if (!connected) nextPoll_ = nextCommands_ = {};  // back to polling at once
  }
  cv_.notify_all();
}

void BackendWorker::pushed() {
  {
    std::lock_guard lock(mutex_);
    nextPoll_ = nextCommands_ = {};
    woken_ = true;
  }
  cv_.notify_all();
}

std::chrono::steady_clock::time_point BackendWorker::nextPollAfter(
    std::chrono::steady_clock::time_point now) {
  // Pushed: a NOTIFY reaches a connected listener at commit, so there is nothing to poll for.
  return pushConnected_ ? now + std::chrono::hours(24) : now + options_.pollEvery;
}

// Takes guard commands when due and hands them to the handler. Called with the lock held.
bool BackendWorker::takeCommands(std::unique_lock<std::mutex>& lock) {
  const auto now = std::chrono::steady_clock::now();
  if (!onCommand_ || now < nextCommands_) return false;
  nextCommands_ = nextPollAfter(now);
  auto handler = onCommand_;
  lock.unlock();
  std::vector<RemoteCommand> commands;
  try {
    commands = remote_->takeCommands();
  } catch (...) {
    lock.lock();
    throw;
  }
  for (const auto& c : commands) handler(c);
  lock.lock();
  return !commands.empty();
}

void BackendWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

void BackendWorker::search(const std::string& query) {
  {
    std::lock_guard lock(mutex_);
    query_ = query;
  }
  cv_.notify_all();
}

void BackendWorker::watch(const Uuid& visit) {
  {
    std::lock_guard lock(mutex_);
    watched_ = visit;
    nextPoll_ = {};
  }
  cv_.notify_all();
}

void BackendWorker::unwatch(const Uuid& visit) {
  std::lock_guard lock(mutex_);
  if (watched_ == visit) watched_.reset();
}

void BackendWorker::setScreen(const std::string& screen) {
  std::lock_guard lock(mutex_);
  screen_ = screen;
}

void BackendWorker::setHealth(const std::string& healthJson) {
  std::lock_guard lock(mutex_);
  health_ = healthJson;
}

void BackendWorker::setOnline(bool online) {
  if (!online) remote_.reset();
  online_ = online;
  if (reported_ != online) {  // tell the flow about changes only, including the first answer
    reported_ = online;
    events_.post(Event::connectivity(online));
  }
  if (online) backoff_ = std::chrono::milliseconds(200);
}

void BackendWorker::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    bool busy = false;
    try {
      busy = step(lock);
    } catch (const backend::Error& e) {
      if (e.kind() == backend::ErrorKind::ConnectionLost) {
        setOnline(false);
        nextConnect_ = std::chrono::steady_clock::now() + backoff_;
        backoff_ = std::min(backoff_ * 2, options_.maxBackoff);
      }
    } catch (const std::exception&) {
      // A bug in one round must not stop the kiosk from syncing; try again next round.
    }
    if (stop_) break;
    if (busy) continue;
    auto until = std::min(nextBeat_, nextCache_);
    if (watched_) until = std::min(until, nextPoll_);
    if (onCommand_) until = std::min(until, nextCommands_);
    if (!remote_) until = nextConnect_;
    cv_.wait_until(lock,
                   std::max(until, std::chrono::steady_clock::now() + std::chrono::milliseconds(5)),
                   [this] { return stop_ || woken_ || query_.has_value(); });
    woken_ = false;
  }
}

// One round of work; returns true when there may be more to do at once. Called with the lock held;
// releases it around network calls.
bool BackendWorker::step(std::unique_lock<std::mutex>& lock) {
  const auto now = std::chrono::steady_clock::now();
  if (!remote_) {
    if (now < nextConnect_) {
      // Offline: still answer searches from the cached directory.
      if (query_) {
        const std::string q = *query_;
        query_.reset();
        lock.unlock();
        Event e = Event::withText(EventKind::DirectoryLoaded, q);
        e.entries = searchCachedDirectory(outbox_, q);
        events_.post(std::move(e));
        lock.lock();
      }
      return false;
    }
    lock.unlock();
    try {
      auto remote = connect_();
      lock.lock();
      remote_ = std::move(remote);
    } catch (...) {
      lock.lock();
      throw;
    }
    setOnline(true);
    nextCache_ = now;  // refresh caches on every reconnect
  }
  if (query_) {
    const std::string q = *query_;
    query_.reset();
    lock.unlock();
    Event e = Event::withText(EventKind::DirectoryLoaded, q);
    try {
      e.entries = remote_->directory(q);
    } catch (...) {
      e.entries = searchCachedDirectory(outbox_, q);
      events_.post(std::move(e));
      lock.lock();
      throw;
    }
    events_.post(std::move(e));
    lock.lock();
    return true;
  }
  lock.unlock();
  bool sent = false;
  try {
    sent = sendOne();
  } catch (...) {
    lock.lock();
    throw;
  }
  lock.lock();
  if (sent) return true;
  if (takeCommands(lock)) return true;
  if (watched_ && now >= nextPoll_) {
    const Uuid visit = *watched_;
    nextPoll_ = nextPollAfter(now);
    lock.unlock();
    std::string status;
    try {
      status = remote_->visitStatus(visit);
    } catch (const backend::Error& e) {
      lock.lock();
      if (e.kind() != backend::ErrorKind::NotFound) throw;  // not sent yet: ask again later
      return false;
    }
    lock.lock();
    if (decided(status) && watched_ == visit) {
      watched_.reset();
      if (status == "denied" || status == "expired" || status == "cancelled")
        (void)outbox_.endVisit(visit, status);
      events_.post(Event::forVisit(EventKind::DecisionReceived, visit,
                                   status == "checked_in" ? "approved" : status));
    }
  }
  if (now >= nextBeat_) {
    nextBeat_ = now + options_.heartbeatEvery;
    HeartbeatInfo beat{screen_, health_, 0, options_.version};
    lock.unlock();
    try {
      beat.outboxDepth = outbox_.depth();
      remote_->heartbeat(beat);
    } catch (...) {
      lock.lock();
      throw;
    }
    lock.lock();
  }
  if (now >= nextCache_) {
    nextCache_ = now + options_.cacheEvery;
    lock.unlock();
    try {
      remote_->refreshCaches(outbox_);
    } catch (...) {
      lock.lock();
      throw;
    }
    lock.lock();
  }
  return false;
}

// When a deferred event is tried again: the delay doubles with each attempt, up to maxDefer.
std::int64_t BackendWorker::retryAt(const OutboxEvent& ev) const {
  const auto first = std::chrono::duration_cast<std::chrono::seconds>(options_.deferEvery).count();
  std::int64_t delay = std::max<std::int64_t>(first, 1) << std::min(ev.attempts, 10);
  delay = std::min<std::int64_t>(
      delay, std::chrono::duration_cast<std::chrono::seconds>(options_.maxDefer).count());
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count() +
         delay;
}

// Whether an event refused as "visit not found" may still be waiting for another kiosk's events.
bool BackendWorker::youngEnoughToWait(const OutboxEvent& ev) const {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return now - ev.createdAt <
         std::chrono::duration_cast<std::chrono::seconds>(options_.waitForOtherKiosks).count();
}

// Sends the oldest pending event. Throws ConnectionLost (the event stays pending).
bool BackendWorker::sendOne() {
  auto batch = outbox_.pending(1);
  if (batch.empty()) return false;
  const OutboxEvent& ev = batch.front();
  std::string result;
  try {
    result = remote_->send(ev);
  } catch (const backend::Error& e) {
    if (e.kind() == backend::ErrorKind::ConnectionLost) {
      (void)outbox_.noteAttempt(ev.id, e.what());
      throw;
    }
    const std::string reason =
        e.detail().empty() ? lowerAscii(backend::toString(e.kind())) : e.detail();
    if (ev.kind == "evidence" && reason == "visit_not_found" && youngEnoughToWait(ev)) {
      // An exit photo taken at this gate for a visit another kiosk has not delivered yet.
      (void)outbox_.defer(ev.id, retryAt(ev), e.what());
      return true;
    }
    if (e.kind() == backend::ErrorKind::Internal && ev.attempts < 4) {
      (void)outbox_.noteAttempt(ev.id, e.what());
      return false;
    }
    (void)outbox_.markRefused(ev.id, reason + ": " + e.what());
    if (ev.kind == "use_invitation")
      events_.post(Event::forVisit(EventKind::PassRefused, ev.visit, reason));
    if (ev.kind == "check_out")
      events_.post(Event::forVisit(EventKind::ExitRefused, ev.visit, reason));
    if (ev.kind == "request_visit")
      events_.post(Event::forVisit(EventKind::DecisionReceived, ev.visit, "denied"));
    return true;
  }
  if (result == "not_yet_known") {
    // The entry kiosk's events are still on their way: the exit is not refused, only not yet
    // placed. Let the visitor go (they showed a badge) and try again later.
    (void)outbox_.defer(ev.id, retryAt(ev), result);
    if (ev.attempts == 0) events_.post(Event::forVisit(EventKind::ExitRecorded, ev.visit));
    return true;
  }
  (void)outbox_.markSent(ev.id, result);
  ++sent_;
  if (ev.kind == "request_visit") {
    events_.post(Event::forVisit(EventKind::RequestAcknowledged, ev.visit, result));
    if (decided(result))
      events_.post(Event::forVisit(EventKind::DecisionReceived, ev.visit, result));
  } else if (ev.kind == "use_invitation") {
    events_.post(Event::forVisit(EventKind::PassAccepted, ev.visit));
  } else if (ev.kind == "check_out") {
    if (result == "recorded" || result == "already_recorded") {
      events_.post(Event::forVisit(EventKind::ExitRecorded, ev.visit));
    } else {
      events_.post(Event::forVisit(EventKind::ExitRefused, ev.visit, result));
    }
  }
  return true;
}

// ---- OutboxVisitBackend ----

OutboxEvent OutboxVisitBackend::event(const Uuid& visit, const std::string& kind,
                                      const std::string& payload, std::vector<std::uint8_t> blob) {
  OutboxEvent e;
  e.id = Uuid::random();
  e.visit = visit;
  e.kind = kind;
  e.payload = payload;
  e.blob = std::move(blob);
  e.createdAt = clock_.unixSeconds();
  return e;
}

void OutboxVisitBackend::write(std::function<void()> job) {
  if (writer_)
    writer_->post(std::move(job));
  else
    job();
}

void OutboxVisitBackend::store(const std::vector<OutboxEvent>& events) {
  if (auto s = outbox_.add(events); !s) {
    // The disk is the kiosk's memory: without it nothing can be promised. Tell the guard.
    (void)outbox_.add(
        event(Uuid{}, "alert",
              json{{"kind", "help_requested"},
                   {"details",
                    json{{"reason", "kiosk_storage_fault"}, {"error", s.error().message}}.dump()}}
                  .dump()));
  }
  worker_.wake();
}

void OutboxVisitBackend::add(std::vector<OutboxEvent> events) {
  write([this, events = std::move(events)] { store(events); });
}

void OutboxVisitBackend::searchDirectory(const std::string& query) { worker_.search(query); }

void OutboxVisitBackend::requestVisit(const flow::VisitRequest& r) {
  json p{{"unit", r.unitId},
         {"name", r.visitor.name},
         {"phone", r.visitor.phone},
         {"purpose", r.visitor.purpose},
         {"document_type", r.visitor.documentType},
         {"document_hash", r.visitor.documentHash},
         {"requested_at", r.requestedAt}};
  std::vector<OutboxEvent> events{event(r.visitId, "request_visit", p.dump())};
  if (!r.photoJpeg.empty()) {
    events.push_back(event(r.visitId, "evidence",
                           json{{"kind", "entry_photo"}, {"at", r.requestedAt}}.dump(),
                           r.photoJpeg));
  }
  write([this, visit = r.visitId, events = std::move(events)] {
    (void)outbox_.beginVisit(visit, "walk_in");
    store(events);
    worker_.watch(visit);
  });
}

void OutboxVisitBackend::cancelVisit(const Uuid& visitId) {
  worker_.unwatch(visitId);
  write([this, visitId, e = event(visitId, "cancel", "{}")] {
    store({e});  // first: a crash before endVisit only repeats the cancel
    (void)outbox_.endVisit(visitId, "cancelled");
  });
}

void OutboxVisitBackend::useInvitation(const Uuid& visitId, const InvitationPass& pass,
                                       const std::string& name) {
  write([this, visitId,
         e = event(visitId, "use_invitation",
                   json{{"invitation", pass.invitationId.toString()},
                        {"name", name},
                        {"at", clock_.unixSeconds()}}
                       .dump())] {
    (void)outbox_.beginVisit(visitId, "pass");
    store({e});
  });
}

void OutboxVisitBackend::addEntryPhoto(const Uuid& visitId, const std::vector<std::uint8_t>& jpeg) {
  if (jpeg.empty()) return;
  add({event(visitId, "evidence",
             json{{"kind", "entry_photo"}, {"at", clock_.unixSeconds()}}.dump(), jpeg)});
}

void OutboxVisitBackend::checkIn(const Uuid& visitId, const ExitToken& token) {
  write(
      [this, visitId,
       e = event(
           visitId, "check_in",
           json{{"exit_token_hash", token.secretHashHex()}, {"at", clock_.unixSeconds()}}.dump())] {
        store({e});
        (void)outbox_.endVisit(visitId, "checked_in");
      });
}

void OutboxVisitBackend::checkOut(const ExitToken& token, const std::vector<std::uint8_t>& photo) {
  std::vector<OutboxEvent> events{
      event(token.visitId, "check_out",
            json{{"token", token.encode()}, {"at", clock_.unixSeconds()}}.dump())};
  if (!photo.empty()) {
    events.push_back(event(token.visitId, "evidence",
                           json{{"kind", "exit_photo"}, {"at", clock_.unixSeconds()}}.dump(),
                           photo));
  }
  add(std::move(events));
}

void OutboxVisitBackend::guardApprovedAtKiosk(const Uuid& visitId, const std::string& guardId,
                                              const std::string& pinCheckId) {
  // The database decides online or offline from the check id; the kiosk's word is not enough.
  add({event(visitId, "guard_approve",
             json{{"guard", guardId},
                  {"reason", "guard PIN at kiosk"},
                  {"pin_check", pinCheckId},
                  {"at", clock_.unixSeconds()}}
                 .dump())});
}

void OutboxVisitBackend::raiseAlert(const std::string& kind, const std::optional<Uuid>& visitId,
                                    const std::string& detailsJson) {
  add({event(visitId.value_or(Uuid{}), "alert",
             json{{"kind", kind}, {"details", detailsJson}}.dump())});
}

void OutboxVisitBackend::raiseAlertWithPhoto(const std::string& kind,
                                             const std::optional<Uuid>& visitId,
                                             const std::string& detailsJson,
                                             const std::vector<std::uint8_t>& photoJpeg) {
  add({event(visitId.value_or(Uuid{}), "alert",
             json{{"kind", kind}, {"details", detailsJson}}.dump(), photoJpeg)});
}

// ---- caches ----

std::optional<PublicKey> CachedPassTrust::key(std::int64_t estateId, std::uint8_t keyId) const {
  auto text = cache_.get("estate_keys");
  if (!text) return std::nullopt;
  for (const auto& k : json::parse(*text, nullptr, false)) {
    if (!k.is_object() || k.value("estate", 0LL) != estateId || k.value("key_id", 0) != keyId)
      continue;
    auto bytes = base64urlDecode(k.value("public_key", ""));
    if (!bytes || bytes->size() != 32) return std::nullopt;
    PublicKey pk{};
    std::copy(bytes->begin(), bytes->end(), pk.begin());
    return pk;
  }
  return std::nullopt;
}

bool CachedPassTrust::revoked(const Uuid& invitationId) const {
  auto text = cache_.get("revoked_invitations");
  if (!text) return false;
  const std::string id = invitationId.toString();
  for (const auto& r : json::parse(*text, nullptr, false)) {
    if (r.is_string() && r.get<std::string>() == id) return true;
  }
  return false;
}

std::vector<flow::DirectoryEntry> searchCachedDirectory(Outbox& cache, const std::string& query) {
  std::vector<flow::DirectoryEntry> out;
  auto text = cache.get("directory");
  if (!text) return out;
  const std::string q = lowerAscii(query);
  for (const auto& d : json::parse(*text, nullptr, false)) {
    if (!d.is_object()) continue;
    flow::DirectoryEntry e{d.value("unit", 0LL), d.value("label", ""), d.value("building", ""),
                           d.value("hint", "")};
    if (q.empty() || lowerAscii(e.label).find(q) != std::string::npos ||
        lowerAscii(e.hostHint).find(q) != std::string::npos) {
      out.push_back(e);
    }
    if (out.size() >= 50) break;  // as many as the database answers: the list scrolls
  }
  return out;
}

int recoverUnfinishedVisits(Outbox& outbox) {
  int n = 0;
  for (const Uuid& visit : outbox.unfinishedVisits()) {
    // A crash between writing the check-in (or cancel) and noting the visit finished: the visit
    // is finished, and a cancel after its check-in would be refused.
    // Killed before the request itself was written: the server never hears of the visit.
    const auto events = outbox.history(visit);
    std::string outcome = events.empty() ? "abandoned" : "";
    for (const auto& e : events)
      if (e.kind == "check_in" || e.kind == "cancel")
        outcome = e.kind == "check_in" ? "checked_in" : "cancelled";
    if (!outcome.empty()) {
      (void)outbox.endVisit(visit, outcome);
      continue;
    }
    OutboxEvent e;
    e.id = Uuid::random();
    e.visit = visit;
    e.kind = "cancel";
    e.payload = R"({"reason":"kiosk_restarted"})";
    if (outbox.add(e)) {
      (void)outbox.endVisit(visit, "abandoned");
      ++n;
    }
  }
  return n;
}

}  // namespace gatehouse::kiosk
