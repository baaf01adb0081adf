// The kiosk's local SQLite store: an outbox of events (written before anything is sent), a small
// key/value cache (estate keys, revocations, guard PINs, directory) and the visits in progress.
//
// Crash safety: every write is one SQLite transaction (WAL, synchronous=FULL), so after a power cut
// an event is either wholly present or absent. Events carry a UUID (the idempotency key): adding
// the same id twice keeps one row, and the database functions ignore a repeated id, so a resend
// after a crash between "sent" and "marked sent" never duplicates.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gatehouse/core/result.hpp"
#include "gatehouse/core/uuid.hpp"

struct sqlite3;

namespace gatehouse::kiosk {

struct OutboxEvent {
  std::int64_t seq = 0;  // order of writing; events are sent in this order
  Uuid id;               // idempotency key of this event
  Uuid visit;
  std::string kind;  // request_visit, evidence, use_invitation, check_in, check_out, cancel, alert,
                     // guard_approve
  std::string payload;             // JSON
  std::vector<std::uint8_t> blob;  // photo bytes for evidence
  std::int64_t createdAt = 0;
  int attempts = 0;
};

class Outbox {
 public:
  static Result<std::unique_ptr<Outbox>> open(const std::string& path);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Adds events atomically (all or none). A repeated event id is ignored.
  Status add(const std::vector<OutboxEvent>& events);
  Status add(const OutboxEvent& event) { return add(std::vector<OutboxEvent>{event}); }
  // The oldest events not yet sent and not deferred to a later time, in order.
  std::vector<OutboxEvent> pending(int limit = 1);
  std::int64_t depth();
  // Sent (or refused for good): leaves the queue, kept in the log with its result.
  Status markSent(const Uuid& id, const std::string& result);
  Status markRefused(const Uuid& id, const std::string& reason);
  Status noteAttempt(const Uuid& id, const std::string& error);
  // Not deliverable yet (e.g. an exit whose entry has not reached the server): stays pending but
  // is skipped by pending() until `retryAt` (unix seconds), so later events are not held up.
  Status defer(const Uuid& id, std::int64_t retryAt, const std::string& note);
  // Every event ever written with this visit, sent or not (tests, diagnostics).
  std::vector<OutboxEvent> history(const Uuid& visit);

  Status put(const std::string& key, const std::string& value);
  std::optional<std::string> get(const std::string& key);

  // Visits this kiosk started and has not finished (for recovery after a crash).
  Status beginVisit(const Uuid& visit, const std::string& mode);
  Status endVisit(const Uuid& visit, const std::string& outcome);
  std::vector<Uuid> unfinishedVisits();

 private:
  explicit Outbox(sqlite3* db) : db_(db) {}
  Status exec(const std::string& sql);
  sqlite3* db_;
  std::mutex mutex_;
};

}  // namespace gatehouse::kiosk
