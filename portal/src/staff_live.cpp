// StaffHub: per-estate staff streams, capped per session, fed by backend::LiveEvent.
#include "staff_live.hpp"

#include <algorithm>
#include <functional>

#include "json_out.hpp"

namespace gatehouse::portal {

std::string staffFrame(const std::string& topic, const backend::LiveEvent& e) {
  json d = json::object();
  if (e.visitId) d["visit_id"] = e.visitId->toString();
  if (e.kioskId) d["kiosk_id"] = *e.kioskId;
  if (e.alertId) d["alert_id"] = e.alertId;
  return "event: " + topic + "\ndata: " + dumpJson(d) + "\n\n";
}

void StaffHub::add(StaffSubscriber s) {
  std::shared_ptr<SseStream> evicted;
  {
    std::lock_guard lock(mu_);
    auto& subs = byEstate_[s.estateId];
    subs.erase(std::remove_if(subs.begin(), subs.end(),
                              [](const StaffSubscriber& x) { return !x.stream->isOpen(); }),
               subs.end());
    const auto same = std::count_if(subs.begin(), subs.end(), [&](const StaffSubscriber& x) {
      return x.sessionHash == s.sessionHash;
    });
    if (static_cast<std::size_t>(same) >= perSession_) {
      auto oldest = std::find_if(subs.begin(), subs.end(), [&](const StaffSubscriber& x) {
        return x.sessionHash == s.sessionHash;
      });
      evicted = oldest->stream;
      subs.erase(oldest);
    }
    subs.push_back(std::move(s));
  }
  if (evicted) evicted->close();
}

std::vector<std::shared_ptr<SseStream>> StaffHub::openStreams(std::int64_t estateId) {
  std::vector<std::shared_ptr<SseStream>> out;
  std::lock_guard lock(mu_);
  for (auto it = byEstate_.begin(); it != byEstate_.end();) {
    auto& subs = it->second;
    subs.erase(std::remove_if(subs.begin(), subs.end(),
                              [](const StaffSubscriber& x) { return !x.stream->isOpen(); }),
               subs.end());
    if (estateId == 0 || it->first == estateId)
      for (auto& s : subs) out.push_back(s.stream);
    it = subs.empty() ? byEstate_.erase(it) : std::next(it);
  }
  return out;
}

std::size_t StaffHub::publish(const backend::LiveEvent& event) {
  const auto topics = backend::staffTopics(event);
  if (topics.empty()) return 0;
  const auto targets = openStreams(event.estateId);
  std::size_t n = 0;
  for (const auto& topic : topics) {
    auto frame = std::make_shared<const std::string>(staffFrame(topic, event));
    for (const auto& t : targets) n += t->send(frame) ? 1 : 0;
  }
  return n;
}

std::size_t StaffHub::ping() {
  auto frame = std::make_shared<const std::string>(": ping\n\n");
  std::size_t n = 0;
  for (const auto& t : openStreams(0)) n += t->send(frame) ? 1 : 0;
  return n;
}

std::size_t StaffHub::resync() {
  auto frame = std::make_shared<const std::string>("event: resync\ndata: {}\n\n");
  std::size_t n = 0;
  for (const auto& t : openStreams(0)) n += t->send(frame) ? 1 : 0;
  return n;
}

std::size_t StaffHub::closeWhere(const std::function<bool(const StaffSubscriber&)>& pred) {
  std::vector<std::shared_ptr<SseStream>> hit;
  {
    std::lock_guard lock(mu_);
    for (auto& [estate, subs] : byEstate_)
      for (auto& s : subs)
        if (pred(s)) hit.push_back(s.stream);
  }
  for (auto& s : hit) s->close();
  return hit.size();
}

std::size_t StaffHub::closeSession(const std::string& sessionHash) {
  return closeWhere([&](const StaffSubscriber& s) { return s.sessionHash == sessionHash; });
}
std::size_t StaffHub::closePerson(std::int64_t personId) {
  return closeWhere([&](const StaffSubscriber& s) { return s.personId == personId; });
}
std::size_t StaffHub::closeExpired(std::int64_t nowMs) {
  return closeWhere(
      [&](const StaffSubscriber& s) { return s.expiresMs != 0 && s.expiresMs <= nowMs; });
}
// Also lets go of every stream: they must not outlive the server that owns their sockets.
void StaffHub::closeAll() {
  std::unordered_map<std::int64_t, std::vector<StaffSubscriber>> all;
  {
    std::lock_guard lock(mu_);
    all.swap(byEstate_);
  }
  for (auto& [estate, subs] : all)
    for (auto& s : subs) s.stream->close();
}
std::size_t StaffHub::size() { return openStreams(0).size(); }

}  // namespace gatehouse::portal
