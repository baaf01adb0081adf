// The staff live stream (GET /api/staff/events, text/event-stream): a line parser and a client
// thread that reconnects with backoff and hands each event to a callback.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gatehouse/console/server_client.hpp"

namespace gatehouse::console {

struct SseEvent {
  std::string event = "message";  // "queue", "alerts", "kiosks", "onsite", "resync"...
  std::string data;               // the data: lines joined with '\n'
  std::string id;
};

// Incremental parser (WHATWG EventSource rules): lines end with LF, CRLF or CR, "field: value",
// a blank line dispatches, ':' lines are comments (pings), unknown fields are ignored.
class SseParser {
 public:
  std::vector<SseEvent> feed(std::string_view chunk);
  int comments() const { return comments_; }
  int retryMs() const { return retryMs_; }  // last "retry:" value, 0 if none

 private:
  void line(std::string_view l, std::vector<SseEvent>& out);
  std::string buf_;
  bool lastWasCr_ = false;
  SseEvent cur_;
  bool hasData_ = false;
  int comments_ = 0;
  int retryMs_ = 0;
};

struct StreamOptions {
  std::chrono::milliseconds backoffMin{250};
  std::chrono::milliseconds backoffMax{5000};
  std::chrono::seconds silenceLimit{45};  // no byte (not even a ping) this long: reconnect
};

// Runs on its own thread. onEvent gets every event; onState(true) when a stream is open (then
// the caller must reload everything: events may have been missed), onState(false) when it
// drops. Reconnects until stopped; a 401/403 stops retrying (onState(false), signedOut()).
class EventStream {
 public:
  EventStream(ServerClient& client, std::function<void(const SseEvent&)> onEvent,
              std::function<void(bool)> onState, StreamOptions options = {});
  ~EventStream();  // stops and joins within the transfer's abort latency
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  void start();
  void stop();
  bool signedOut() const { return signedOut_.load(); }
  int connects() const { return connects_.load(); }

 private:
  void run();
  bool once();  // one connection; false when the server refused the session

  ServerClient& client_;
  std::function<void(const SseEvent&)> onEvent_;
  std::function<void(bool)> onState_;
  StreamOptions options_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> signedOut_{false};
  std::atomic<int> connects_{0};
  std::mutex m_;
  std::condition_variable cv_;
};

}  // namespace gatehouse::console
