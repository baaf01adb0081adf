// The server's sign-in queries (role gatehouse_server): accounts, attempts and lockout, TOTP
// steps, sessions and password resets. Typed results; one time type (system_clock).
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "gatehouse/backend/connection.hpp"

namespace gatehouse::backend {

using TimePoint = std::chrono::system_clock::time_point;

struct Account {
  std::int64_t personId = 0;
  std::string role;                      // resident | guard | admin
  std::string passwordHash;              // "" = none set
  std::string totpSecret;                // base32; "" = no second factor
  std::optional<TimePoint> lockedUntil;  // set only while the lock lasts (whole seconds)
};

struct AttemptOutcome {
  std::optional<TimePoint> lockedUntil;  // the failure locked the account until then
  int attemptsLeft = 0;                  // failures left before it locks
};

struct LockoutPolicy {
  int maxFailures = 5;
  std::chrono::minutes lock{15};  // also the window in which failures count
};

struct SessionRecord {
  std::int64_t personId = 0;
  std::int64_t estateId = 0;
  std::optional<std::int64_t> unitId;
  std::string role;
  std::string fullName;
  std::string csrf;
  TimePoint expiresAt;
};

// Who a password-reset mail goes to.
struct ResetRecipient {
  std::string email;
  std::string fullName;
};

class SignInClient {
 public:
  explicit SignInClient(Connection& c) : c_(c) {}

  // The active account with this e-mail (case-insensitive), if any.
  std::optional<Account> lookup(const std::string& email);
  // Counts one attempt (success resets the counter) with the sliding-window policy.
  AttemptOutcome recordAttempt(std::int64_t person, bool success, const LockoutPolicy& policy);
  // True the first time a TOTP step later than the last accepted one is offered.
  bool acceptTotpStep(std::int64_t person, std::int64_t step);

  void createSession(std::int64_t person, const std::string& tokenHash, const std::string& csrf,
                     std::chrono::hours lifetime, const std::string& userAgent);
  std::optional<SessionRecord> session(const std::string& tokenHash);
  void deleteSession(const std::string& tokenHash);

  // Stores a reset token for the active account of `email`; nullopt for an unknown address.
  std::optional<ResetRecipient> createReset(const std::string& email, const std::string& tokenHash,
                                            std::chrono::minutes lifetime);
  // Whether a reset token is still good (checked before anything is hashed).
  bool resetTokenValid(const std::string& tokenHash);
  // Uses the token and sets the new hash; the person, or nullopt when the token was not good.
  std::optional<std::int64_t> consumeReset(const std::string& tokenHash,
                                           const std::string& newHash);

 private:
  Connection& c_;
};

}  // namespace gatehouse::backend
