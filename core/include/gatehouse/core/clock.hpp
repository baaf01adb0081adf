// Injected time: product code asks a Clock, tests move a ManualClock instead of sleeping.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>

namespace gatehouse {

class Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() const = 0;
  std::int64_t unixSeconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
  }
};

class SystemClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::system_clock::now(); }
  static const SystemClock& instance();
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(time_point start = time_point{std::chrono::seconds(1'800'000'000)})
      : t_(start.time_since_epoch().count()) {}
  time_point now() const override { return time_point{time_point::duration{t_.load()}}; }
  void advance(std::chrono::nanoseconds d) {
    t_ += std::chrono::duration_cast<time_point::duration>(d).count();
  }
  void set(time_point t) { t_ = t.time_since_epoch().count(); }

 private:
  std::atomic<time_point::rep> t_;
};

}  // namespace gatehouse
