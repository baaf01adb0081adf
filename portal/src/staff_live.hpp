// The staff live stream's fan-out: typed database events -> "reload this" frames per estate.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "gatehouse/backend/live_event.hpp"
#include "gatehouse/portal/http.hpp"

namespace gatehouse::portal {

struct StaffSubscriber {
  std::shared_ptr<SseStream> stream;
  std::int64_t personId = 0;
  std::int64_t estateId = 0;
  std::string sessionHash;     // signing out closes the session's streams
  std::int64_t expiresMs = 0;  // the session's end; the stream ends then too
};

class StaffHub {
 public:
  explicit StaffHub(std::size_t perSession = 3) : perSession_(perSession) {}
  // Adds a stream; when its session already has `perSession` open ones, the oldest is closed
  // (a console that reconnects replaces the stream the server has not yet seen die).
  void add(StaffSubscriber s);
  // One frame per staff topic of the event to every open stream of its estate; returns frames sent.
  std::size_t publish(const backend::LiveEvent& event);
  std::size_t ping();    // ": ping" to every stream
  std::size_t resync();  // "event: resync": the server's LISTEN reconnected, reload everything
  std::size_t closeSession(const std::string& sessionHash);
  std::size_t closePerson(std::int64_t personId);
  std::size_t closeExpired(std::int64_t nowMs);
  void closeAll();
  std::size_t size();

 private:
  std::vector<std::shared_ptr<SseStream>> openStreams(std::int64_t estateId);  // 0 = all
  std::size_t closeWhere(const std::function<bool(const StaffSubscriber&)>& pred);
  std::size_t perSession_;
  std::mutex mu_;
  std::unordered_map<std::int64_t, std::vector<StaffSubscriber>> byEstate_;
};

// "event: <topic>\ndata: <json>\n\n" with the ids the event carries.
std::string staffFrame(const std::string& topic, const backend::LiveEvent& event);

}  // namespace gatehouse::portal
