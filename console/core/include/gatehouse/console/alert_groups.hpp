// Repeated alerts of the same kind about the same subject shown as one group with a count,
// acknowledged together, and a cue that sounds only when something new happens.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gatehouse/console/model.hpp"

namespace gatehouse::console {

struct AlertGroup {
  std::string key;   // kind + subject
  AlertItem latest;  // newest alert of the group (what the card shows)
  std::vector<std::int64_t> ids;
  int count() const { return static_cast<int>(ids.size()); }
  TimePoint first{};
};

// The subject is the visit, else the kiosk, else the details' name, else the alert itself.
std::string alertGroupKey(const AlertItem& a);
// Groups in the order of their newest alert (alerts arrive newest first).
std::vector<AlertGroup> groupAlerts(const std::vector<AlertItem>& alerts);

// Counts "something new": a group never seen, or a group whose details say something it did
// not say before. The same alert raised again (a kiosk still offline) stays quiet.
class AlertCues {
 public:
  // Returns how many new things the current open alerts hold since the last call.
  int update(const std::vector<AlertItem>& alerts);

 private:
  std::map<std::string, std::set<std::string>> seen_;  // group key -> details seen
  std::set<std::int64_t> ids_;
};

}  // namespace gatehouse::console
