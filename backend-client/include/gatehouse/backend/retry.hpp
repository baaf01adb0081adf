// Retries an idempotent operation when (and only when) the connection was lost.
#pragma once
#include <chrono>
#include <thread>

#include "gatehouse/backend/error.hpp"

namespace gatehouse::backend {

// `op` must be safe to repeat (every kiosk call is: it carries its UUID). Other errors pass
// through at once; after `attempts` lost connections the last error is rethrown.
template <typename Op>
auto retryIfConnectionLost(Op&& op, int attempts = 3,
                           std::chrono::milliseconds backoff = std::chrono::milliseconds(50)) {
  for (int i = 1;; ++i) {
    try {
      return op();
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::ConnectionLost || i >= attempts) throw;
      std::this_thread::sleep_for(backoff * i);
    }
  }
}

}  // namespace gatehouse::backend
