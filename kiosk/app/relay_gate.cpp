// Relay pulses for the gate and their outbox record (event kind "gate", see remote_kiosk.cpp).
#include "relay_gate.hpp"

#include <nlohmann/json.hpp>

namespace gatehouse::kiosk {

Status RelayGate::open(const flow::GateOpening& o) {
  return pulse(o.direction, o.visitId, o.reason, "");
}

void RelayGate::openRemote(const RemoteCommand& c) {
  if (c.kind != "open_gate") return;
  (void)pulse(c.direction, Uuid{}, "remote", c.id.toString());
}

Status RelayGate::pulse(const std::string& direction, const Uuid& visit, const std::string& reason,
                        const std::string& command) {
  const int channel = direction == "exit" ? config_.exitChannel : config_.entryChannel;
  Status s = hub_.pulseRelay(channel, std::chrono::milliseconds(config_.pulseMs));
  std::string fault;
  if (!s) fault = s.error().code == "no_relay" ? "relay_missing" : "relay_failed";
  nlohmann::json p{{"direction", direction}, {"channel", channel},
                   {"reason", reason},       {"outcome", fault.empty() ? "opened" : "fault"},
                   {"fault", fault},         {"at", clock_.unixSeconds()}};
  if (!command.empty()) p["command"] = command;
  OutboxEvent e;
  e.id = Uuid::random();
  e.visit = visit;
  e.kind = "gate";
  e.payload = p.dump();
  e.createdAt = clock_.unixSeconds();
  // The outbox and the worker outlive the writer; this gate may not.
  writer_.post([&outbox = outbox_, &worker = worker_, e] {
    (void)outbox.add(e);  // a full disk is already reported by the flow's own events
    worker.wake();
  });
  if (!fault.empty()) return makeError(fault, s.error().message);
  return Ok{};
}

}  // namespace gatehouse::kiosk
