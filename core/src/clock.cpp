// The process-wide system clock.
#include "gatehouse/core/clock.hpp"

namespace gatehouse {

const SystemClock& SystemClock::instance() {
  static const SystemClock clock;
  return clock;
}

}  // namespace gatehouse
