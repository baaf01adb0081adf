// Failed sign-ins of names that match no account, counted in memory with the database's policy.
#pragma once
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "gatehouse/backend/sign_in_client.hpp"
#include "gatehouse/core/clock.hpp"
#include "lru_map.hpp"

namespace gatehouse::portal {

// Their answers must look like a real account's (per-account lockout lives in the database).
// At most `capacity` names are remembered, the least recently used forgotten first, so
// spraying new names cannot flush the counters of one being attacked.
class UnknownAccounts {
 public:
  struct Outcome {
    int attemptsLeft = 0;
    std::optional<Clock::time_point> lockedUntil;  // set: locked now
  };
  explicit UnknownAccounts(std::size_t capacity = 100000) : entries_(capacity) {}
  // When the name is locked at `now`, until when.
  std::optional<Clock::time_point> lockedUntil(const std::string& key, Clock::time_point now);
  // Counts one failure in a sliding window that restarts when a lock expires.
  Outcome recordFailure(const std::string& key, Clock::time_point now,
                        const backend::LockoutPolicy& policy);
  std::size_t size();

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point lastFailure;
    std::optional<Clock::time_point> lockedUntil;
  };
  std::mutex mu_;
  LruMap<Entry> entries_;
};

}  // namespace gatehouse::portal
