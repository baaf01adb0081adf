// The gate through the USB relay board: opened for the flow (a visitor let in or out) and for a
// guard's remote command; every opening and every relay fault is an outbox event for the database.
#pragma once
#include <string>

#include "gatehouse/core/clock.hpp"
#include "gatehouse/devices/usb.hpp"
#include "gatehouse/flow/ports.hpp"
#include "gatehouse/kiosk/config.hpp"
#include "gatehouse/kiosk/outbox.hpp"
#include "gatehouse/kiosk/serial_worker.hpp"
#include "gatehouse/kiosk/sync.hpp"

namespace gatehouse::kiosk {

class RelayGate final : public flow::Gate {
 public:
  // writer commits the gate's outbox events (a disk flush: not on the UI thread).
  RelayGate(devices::UsbHub& hub, GateConfig config, Outbox& outbox, BackendWorker& worker,
            SerialWorker& writer, const Clock& clock)
      : hub_(hub),
        config_(std::move(config)),
        outbox_(outbox),
        worker_(worker),
        writer_(writer),
        clock_(clock) {}

  // UI thread. Errors (what the visitor is told): relay_missing, relay_failed.
  Status open(const flow::GateOpening& opening) override;
  // Worker thread: a guard's "open the gate" from the console.
  void openRemote(const RemoteCommand& command);

 private:
  Status pulse(const std::string& direction, const Uuid& visit, const std::string& reason,
               const std::string& command);

  devices::UsbHub& hub_;
  GateConfig config_;
  Outbox& outbox_;
  BackendWorker& worker_;
  SerialWorker& writer_;
  const Clock& clock_;
};

}  // namespace gatehouse::kiosk
