// The script player's kiosk commands (docs/kiosk.md): scans, device faults, USB lines and waits on
// the kiosk's own state, answered from the UI thread between frames.
#pragma once
#include <chrono>
#include <optional>
#include <string>

#include "gatehouse/flow/event_queue.hpp"
#include "gatehouse/flow/flow.hpp"
#include "gatehouse/kiosk/outbox.hpp"
#include "gatehouse/kiosk/sync.hpp"
#include "gatehouse/ui/script.hpp"
#include "kiosk_devices.hpp"

namespace gatehouse::kiosk {

struct ScriptTargets {
  const flow::Flow& flow;
  flow::EventQueue& events;
  KioskDevices& devices;
  Outbox& outbox;
  BackendWorker& worker;
  int width = 0, height = 0;       // the viewport, for expect-layout
  SerialWorker* writer = nullptr;  // commits to the outbox (wait-synced waits for it too)
};

class ScriptCommands {
 public:
  explicit ScriptCommands(ScriptTargets targets) : t_(targets) {}
  // Ok, error code "again" (a wait not yet over: ask on the next frame) or "script".
  Status run(const ui::ScriptLine& line);

 private:
  Status waitFor(bool done, double seconds, const std::string& what);
  Status usbCommand(const ui::ScriptLine& line);
  Status expectLayout() const;

  ScriptTargets t_;
  std::optional<std::chrono::steady_clock::time_point> waitDeadline_;
};

}  // namespace gatehouse::kiosk
