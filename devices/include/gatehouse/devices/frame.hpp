// A camera frame and the single-slot mailbox that hands frames between threads: the producer
// never waits, an unread frame is replaced by a newer one (and counted as dropped).
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <opencv2/core.hpp>
#include <optional>

namespace gatehouse::devices {

struct Frame {
  cv::Mat image;  // BGR, 8 bit; shared (ref-counted) between consumers: treat as read-only
  std::uint64_t sequence = 0;
  std::chrono::steady_clock::time_point capturedAt{};
};

class FrameMailbox {
 public:
  // Never blocks on the reader; returns true when it replaced an unread frame.
  bool post(Frame f) {
    bool replaced;
    {
      std::lock_guard lock(m_);
      replaced = slot_.has_value();
      if (replaced) ++dropped_;
      slot_ = std::move(f);
    }
    cv_.notify_one();
    return replaced;
  }
  // Waits up to `timeout` for a frame; nullopt on timeout or after close().
  template <typename Rep, typename Period>
  std::optional<Frame> take(std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock lock(m_);
    cv_.wait_for(lock, timeout, [&] { return slot_.has_value() || closed_; });
    if (!slot_) return std::nullopt;
    std::optional<Frame> out = std::move(slot_);
    slot_.reset();
    return out;
  }
  void close() {
    {
      std::lock_guard lock(m_);
      closed_ = true;
    }
    cv_.notify_all();
  }
  bool closed() const {
    std::lock_guard lock(m_);
    return closed_;
  }
  std::uint64_t dropped() const {
    std::lock_guard lock(m_);
    return dropped_;
  }

 private:
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::optional<Frame> slot_;
  bool closed_ = false;
  std::uint64_t dropped_ = 0;
};

}  // namespace gatehouse::devices
