// One background thread that runs posted jobs in order: the UI thread hands it slow work (an
// outbox commit, a PIN check) and goes on drawing; results come back as flow events.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace gatehouse::kiosk {

class SerialWorker {
 public:
  SerialWorker();
  ~SerialWorker();  // runs what is still queued, then joins
  SerialWorker(const SerialWorker&) = delete;
  SerialWorker& operator=(const SerialWorker&) = delete;

  void post(std::function<void()> job);  // returns at once; jobs run in the order posted
  void flush();                          // waits until every job posted so far has run
  bool idle();                           // nothing queued or running

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<std::function<void()>> jobs_;
  bool busy_ = false;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace gatehouse::kiosk
