// The console's network thread: jobs run there one at a time and return a continuation that the
// UI thread runs when it drains the result queue once per frame. The UI never waits on it.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gatehouse::console {

class NetworkWorker {
 public:
  using Done = std::function<void()>;  // runs on the UI thread
  using Job = std::function<Done()>;   // runs on the network thread

  NetworkWorker() : thread_([this] { run(); }) {}
  ~NetworkWorker() { stop(); }
  NetworkWorker(const NetworkWorker&) = delete;
  NetworkWorker& operator=(const NetworkWorker&) = delete;

  void post(Job job) {
    {
      std::lock_guard lock(m_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }
  // UI thread: the continuations of finished jobs, in completion order.
  std::vector<Done> drain() {
    std::lock_guard lock(m_);
    std::vector<Done> out(std::make_move_iterator(done_.begin()),
                          std::make_move_iterator(done_.end()));
    done_.clear();
    return out;
  }
  // Drops queued jobs and joins; the job in flight must be unblocked by its caller first
  // (ServerClient::abort).
  void stop() {
    {
      std::lock_guard lock(m_);
      stop_ = true;
      jobs_.clear();
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(m_);
        cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
        if (stop_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      Done d = job();
      if (!d) continue;
      std::lock_guard lock(m_);
      done_.push_back(std::move(d));
    }
  }

  std::mutex m_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  std::deque<Done> done_;
  bool stop_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace gatehouse::console
