// Wait for a condition with a deadline: tests synchronise on state, never on a fixed sleep.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace gatehouse::testing {

// Polls `done` (cheap, side-effect free) until it is true or `timeout` passes. Returns done().
// The short yield between polls only lets other threads run; correctness never depends on it.
inline bool waitUntil(const std::function<bool()>& done,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return done();
    std::this_thread::yield();
    std::this_thread::sleep_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(1));
  }
  return true;
}

// A latch a callback thread can count down and a test can wait on.
class Signal {
 public:
  void notify() {
    {
      std::lock_guard lock(m_);
      ++count_;
    }
    cv_.notify_all();
  }
  bool waitFor(int count, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, timeout, [&] { return count_ >= count; });
  }
  int count() {
    std::lock_guard lock(m_);
    return count_;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  int count_ = 0;
};

}  // namespace gatehouse::testing
