// Alert grouping by kind and subject, and the cue counter.
#include "gatehouse/console/alert_groups.hpp"

#include <nlohmann/json.hpp>

namespace gatehouse::console {

std::string alertGroupKey(const AlertItem& a) {
  if (a.visitId) return a.kind + "|v:" + a.visitId->toString();
  if (a.kioskId) return a.kind + "|k:" + std::to_string(*a.kioskId);
  auto d = nlohmann::json::parse(a.detailsJson, nullptr, false);
  if (d.is_object() && d.contains("name") && d["name"].is_string())
    return a.kind + "|n:" + d["name"].get<std::string>();
  return a.kind + "|a:" + std::to_string(a.id);
}

std::vector<AlertGroup> groupAlerts(const std::vector<AlertItem>& alerts) {
  std::vector<AlertGroup> out;
  std::map<std::string, std::size_t> at;
  for (const auto& a : alerts) {
    const std::string key = alertGroupKey(a);
    auto it = at.find(key);
    if (it == at.end()) {
      at.emplace(key, out.size());
      out.push_back({key, a, {a.id}, a.createdAt});
      continue;
    }
    auto& g = out[it->second];
    g.ids.push_back(a.id);
    if (a.createdAt > g.latest.createdAt) g.latest = a;
    if (a.createdAt < g.first) g.first = a.createdAt;
  }
  return out;
}

int AlertCues::update(const std::vector<AlertItem>& alerts) {
  int fresh = 0;
  for (const auto& a : alerts) {
    if (!ids_.insert(a.id).second) continue;
    if (seen_[alertGroupKey(a)].insert(a.detailsJson).second) ++fresh;
  }
  return fresh;
}

}  // namespace gatehouse::console
