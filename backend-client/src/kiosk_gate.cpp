// KioskClient's gate calls: report an opening or relay fault, take a guard's waiting commands.
#include "gatehouse/backend/kiosk_client.hpp"
#include "time_text.hpp"

namespace gatehouse::backend {

std::string KioskClient::gateEvent(const GateEvent& e) {
  auto rows = conn_.execPrepared(
      "k_gate_event",
      "SELECT gh.kiosk_gate_event($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) AS result",
      {creds_.kioskId, creds_.token, e.eventId, e.visitId, e.commandId, e.direction, e.channel,
       e.reason, e.outcome, e.fault, detail::toSqlTimestamp(e.at)});
  return rows[0].text("result");
}

std::vector<KioskCommand> KioskClient::takeCommands() {
  auto rows = conn_.execPrepared("k_take_commands", "SELECT * FROM gh.kiosk_take_commands($1, $2)",
                                 {creds_.kioskId, creds_.token});
  std::vector<KioskCommand> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.push_back(KioskCommand{rows[i].uuid("id"), rows[i].text("kind"), rows[i].text("direction"),
                               rows[i].text("reason"), rows[i].int64("requested_by")});
  }
  return out;
}

}  // namespace gatehouse::backend
