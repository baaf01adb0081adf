// The backend's one exception type, with a kind a caller can act on.
#pragma once
#include <stdexcept>
#include <string>

namespace gatehouse::backend {

enum class ErrorKind {
  ConnectionLost,  // network or server gone: retry later (only idempotent calls, see retry.hpp)
  Conflict,        // illegal transition, already decided, duplicate: tell the user, do not retry
  NotFound,        // no such row, or not visible to this person
  Forbidden,       // authenticated but not allowed; bad kiosk token
  InvalidInput,    // rejected value (too long, missing, malformed)
  Internal,        // a bug or an unexpected server error
};

const char* toString(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, std::string sqlstate = {}, std::string detail = {})
      : std::runtime_error(std::move(message)),
        kind_(kind),
        sqlstate_(std::move(sqlstate)),
        detail_(std::move(detail)) {}
  ErrorKind kind() const { return kind_; }
  const std::string& sqlstate() const { return sqlstate_; }
  // Machine-readable reason from our functions, e.g. "already_decided", "revoked", "used_up".
  const std::string& detail() const { return detail_; }

 private:
  ErrorKind kind_;
  std::string sqlstate_;
  std::string detail_;
};

}  // namespace gatehouse::backend
