// Worker threads post flow events here; the UI thread drains it once per frame.
#pragma once
#include <deque>
#include <mutex>
#include <vector>

#include "gatehouse/flow/flow.hpp"

namespace gatehouse::flow {

class EventQueue {
 public:
  void post(Event event) {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }
  std::vector<Event> drain() {
    std::lock_guard lock(mutex_);
    std::vector<Event> out(std::make_move_iterator(events_.begin()),
                           std::make_move_iterator(events_.end()));
    events_.clear();
    return out;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return events_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::deque<Event> events_;
};

}  // namespace gatehouse::flow
