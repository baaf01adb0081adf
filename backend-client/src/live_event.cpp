// NOTIFY payload -> LiveEvent, and which staff views each event changes.
#include "gatehouse/backend/live_event.hpp"

#include <nlohmann/json.hpp>

namespace gatehouse::backend {

namespace {

using json = nlohmann::json;

std::int64_t intField(const json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}
std::string textField(const json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
bool boolField(const json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::optional<LiveEventKind> kindOf(const std::string& event) {
  if (event == "visit") return LiveEventKind::VisitChanged;
  if (event == "alert") return LiveEventKind::AlertChanged;
  if (event == "kiosk") return LiveEventKind::KioskHeartbeat;
  if (event == "evidence") return LiveEventKind::EvidenceAdded;
  if (event == "notification") return LiveEventKind::NotificationQueued;
  if (event == "invitation") return LiveEventKind::InvitationChanged;
  if (event == "gate") return LiveEventKind::GateEvent;
  return std::nullopt;
}

}  // namespace

std::optional<LiveEvent> parseLiveEvent(const std::string& payload) {
  auto j = json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto kind = kindOf(textField(j, "event"));
  if (!kind) return std::nullopt;
  LiveEvent e;
  e.kind = *kind;
  e.estateId = intField(j, "estate");
  if (e.estateId == 0) return std::nullopt;
  e.visitId = Uuid::parse(textField(j, "visit"));
  e.unitId = intField(j, "unit");
  if (auto k = intField(j, "kiosk")) e.kioskId = k;
  e.status = textField(j, "status");
  e.held = boolField(j, "held");
  e.escalated = boolField(j, "escalated");
  e.alertId = intField(j, "alert");
  e.acknowledged = boolField(j, "acknowledged");
  e.personId = intField(j, "person");
  e.notificationId = intField(j, "notification");
  e.detail = textField(j, e.kind == LiveEventKind::GateEvent ? "outcome" : "kind");
  return e;
}

std::vector<std::string> staffTopics(const LiveEvent& e) {
  switch (e.kind) {
    case LiveEventKind::VisitChanged:
      // Entering or leaving the queue, or entering or leaving the site; a new visit also
      // changes its kiosk's tile (latest visitor).
      if (e.status == "checked_in" || e.status == "checked_out") return {"onsite", "queue"};
      if (e.status == "pending") return {"queue", "kiosks"};
      return {"queue"};
    case LiveEventKind::AlertChanged:
      return {"alerts"};
    case LiveEventKind::KioskHeartbeat:
    case LiveEventKind::GateEvent:
      return {"kiosks"};
    case LiveEventKind::EvidenceAdded:
      if (e.detail == "entry_photo") return {"queue", "kiosks", "onsite"};
      return {};
    case LiveEventKind::NotificationQueued:
    case LiveEventKind::InvitationChanged:
      return {};
  }
  return {};
}

}  // namespace gatehouse::backend
