// In-memory lockout counters for sign-in names that match no account.
#include "unknown_accounts.hpp"

namespace gatehouse::portal {

std::optional<Clock::time_point> UnknownAccounts::lockedUntil(const std::string& key,
                                                              Clock::time_point now) {
  std::lock_guard lock(mu_);
  const Entry* e = entries_.peek(key);
  if (e && e->lockedUntil && now < *e->lockedUntil) return e->lockedUntil;
  return std::nullopt;
}

UnknownAccounts::Outcome UnknownAccounts::recordFailure(const std::string& key,
                                                        Clock::time_point now,
                                                        const backend::LockoutPolicy& policy) {
  std::lock_guard lock(mu_);
  Entry& e = entries_.touch(key);
  const bool expired = e.lockedUntil && now >= *e.lockedUntil;
  if (expired || now - e.lastFailure >= policy.lock) e = {};
  e.failures += 1;
  e.lastFailure = now;
  if (e.failures >= policy.maxFailures) {
    e.lockedUntil = std::chrono::floor<std::chrono::seconds>(now) + policy.lock;
    return {0, e.lockedUntil};
  }
  return {policy.maxFailures - e.failures, std::nullopt};
}

std::size_t UnknownAccounts::size() {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace gatehouse::portal
