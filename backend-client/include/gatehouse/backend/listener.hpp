// LISTEN/NOTIFY on its own connection and thread, surviving server restarts.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "gatehouse/backend/live_event.hpp"

namespace gatehouse::backend {

struct Notification {
  std::string channel;
  std::string
      payload;  // JSON from our triggers: {"event":"visit","estate":1,"visit":"…","status":"…"}
  std::optional<LiveEvent> event;  // the payload parsed once, on the listener's thread
};

struct ListenerOptions {
  std::chrono::milliseconds initialBackoff{100};
  std::chrono::milliseconds maxBackoff{5000};
};

// Calls `onNotify` for every notification on `channel`, from the listener's thread.
// When the connection drops it reconnects with exponential backoff, LISTENs again, and then
// calls `onResync`: notifications sent while it was away are lost, so the caller must reload
// its state. `onResync` is also called once after the first successful connection.
class Listener {
 public:
  using NotifyFn = std::function<void(const Notification&)>;
  using ResyncFn = std::function<void()>;
  using StateFn = std::function<void(bool connected)>;

  Listener(std::string url, std::string channel, NotifyFn onNotify, ResyncFn onResync = {},
           StateFn onState = {}, ListenerOptions options = {});
  ~Listener();  // stops the thread
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  bool connected() const;
  // Blocks until connected and listening (true) or `timeout` passes (false).
  bool waitConnected(std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatehouse::backend
