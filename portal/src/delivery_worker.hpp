// The notification delivery worker: claims due deliveries, composes the e-mail or webhook,
// sends it and records the outcome with back-off (not part of the public API).
#pragma once
#include <condition_variable>
#include <mutex>
#include <thread>

#include "context.hpp"

namespace gatehouse::portal {

class DeliveryWorker {
 public:
  explicit DeliveryWorker(Context& ctx) : ctx_(ctx) {}
  ~DeliveryWorker() { stop(); }
  void start();
  void stop();
  void wake();  // a new notification may be waiting

 private:
  void loop();
  std::size_t deliverDue(backend::Connection& conn);
  Context& ctx_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool wake_ = false;
  std::thread thread_;
};

}  // namespace gatehouse::portal
