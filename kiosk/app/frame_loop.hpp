// The kiosk frame loop: drain worker events into the flow, tick timeouts, draw the current
// screen, save screenshots and the status file, pace frames.
#pragma once
#include <optional>

#include "bench_stats.hpp"
#include "gatehouse/flow/event_queue.hpp"
#include "gatehouse/flow/flow.hpp"
#include "gatehouse/kiosk/config.hpp"
#include "gatehouse/kiosk/guard_pins.hpp"
#include "gatehouse/kiosk/sync.hpp"
#include "gatehouse/ui/app_window.hpp"
#include "gatehouse/ui/script.hpp"
#include "gatehouse/ui/translations.hpp"
#include "kiosk_devices.hpp"
#include "options.hpp"

namespace gatehouse::kiosk {

struct LoopParts {
  const Options& options;
  const KioskConfig& config;
  flow::Flow& flow;
  flow::EventQueue& events;
  ui::Translations& tr;
  KioskDevices& devices;
  BackendWorker& worker;
  ui::AppWindow& window;
  ui::ScriptPlayer* player = nullptr;  // --script
  BenchStats& bench;
  GuardPinChecker& pins;      // told when the kiosk goes online or offline
  const std::string& pepper;  // keys document-number hashes ("" = keep none)
};

// Applies an event to the flow (and to --bench's marks).
void handleEvent(const LoopParts& parts, const flow::Event& e);

// Runs until the window closes, the script ends (0) or fails (2), or --frames frames.
int runFrameLoop(const LoopParts& parts);

}  // namespace gatehouse::kiosk
