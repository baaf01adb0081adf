// Typed events from the database's NOTIFY payloads (channel "gatehouse"), parsed once.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gatehouse/core/uuid.hpp"

namespace gatehouse::backend {

enum class LiveEventKind {
  VisitChanged,    // a visit was created or changed status / escalation
  AlertChanged,    // an alert was raised or acknowledged
  KioskHeartbeat,  // a kiosk reported its screen and device states
  EvidenceAdded,   // a photo or scan was stored for a visit
  NotificationQueued,
  InvitationChanged,
  GateEvent,  // a gate opened, closed or faulted
};

struct LiveEvent {
  LiveEventKind kind = LiveEventKind::VisitChanged;
  std::int64_t estateId = 0;
  std::optional<Uuid> visitId;
  std::int64_t unitId = 0;              // visit, evidence
  std::optional<std::int64_t> kioskId;  // alert, kiosk, gate
  std::string status;                   // visit status
  bool held = false, escalated = false;
  std::int64_t alertId = 0;
  bool acknowledged = false;
  std::int64_t personId = 0;        // notification
  std::int64_t notificationId = 0;  // notification
  std::string detail;               // alert kind, evidence kind, notification kind, gate outcome
};

// nullopt for a payload that is not one of ours (bad JSON, unknown event, no estate).
std::optional<LiveEvent> parseLiveEvent(const std::string& payload);

// The staff resources an event invalidates: "queue", "alerts", "kiosks", "onsite".
std::vector<std::string> staffTopics(const LiveEvent& event);

}  // namespace gatehouse::backend
