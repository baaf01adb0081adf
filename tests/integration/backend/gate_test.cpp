// 0600_gate.sql / 0601_kiosk_push.sql: gate events, guards' remote commands, per-kiosk wake-ups.
#include <atomic>

#include "backend_fixture.hpp"
#include "gatehouse/backend/error.hpp"
#include "gatehouse/backend/listener.hpp"
#include "gatehouse/testing/wait.hpp"

using namespace gatehouse;
using namespace gatehouse::backend;
using namespace gatehouse::backend::test;
using gatehouse::testing::waitUntil;

namespace {

class GateTest : public BackendTest {
 protected:
  GateEvent opening(const std::optional<Uuid>& visit = std::nullopt) {
    GateEvent e;
    e.eventId = Uuid::random();
    e.visitId = visit;
    e.direction = "entry";
    e.channel = 1;
    e.reason = "walk_in";
    e.outcome = "opened";
    e.at = std::chrono::system_clock::now();
    return e;
  }
  std::string rejectionOf(const GateEvent& e) {
    try {
      kiosk_->gateEvent(e);
    } catch (const backend::Error& err) {
      return std::string(toString(err.kind())) + ":" + err.detail();
    }
    return "accepted";
  }
  Uuid openAsGuard(const std::string& direction = "exit") {
    auto c = server();
    Uuid id;
    c.asPerson(personId("guard1@harbour.example"), [&](Connection& tx) {
      id = tx.exec("SELECT gh.staff_open_gate($1, $2, 'van at the barrier') AS id",
                   {demo_.kiosks[0].kioskId, direction})[0]
               .uuid("id");
    });
    return id;
  }
};

TEST_F(GateTest, AnOpeningIsRecordedOnceWithItsVisitAndAuditedAndAResendChangesNothing) {
  const auto r = walkIn();
  kiosk_->requestVisit(r);
  const GateEvent e = opening(r.visitId);
  EXPECT_EQ(kiosk_->gateEvent(e), "recorded");
  EXPECT_EQ(kiosk_->gateEvent(e), "already_recorded");
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.gate_event WHERE visit_id = $1", {r.visitId}), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.audit_log WHERE action = 'gate.opened'"), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'gate_fault'"), 0);
}

TEST_F(GateTest, ARelayFaultRaisesAGateFaultAlertForTheGuard) {
  GateEvent e = opening();
  e.outcome = "fault";
  e.fault = "relay_missing";
  EXPECT_EQ(kiosk_->gateEvent(e), "recorded");
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'gate_fault' AND "
                  "details->>'fault' = 'relay_missing' AND kiosk_id = $1",
                  {demo_.kiosks[0].kioskId}),
            1);
}

TEST_F(GateTest, BadFieldsAreRefusedNamingTheField) {
  auto with = [&](auto change) {
    GateEvent e = opening();
    change(e);
    return rejectionOf(e);
  };
  EXPECT_EQ(with([](GateEvent& e) { e.direction = "sideways"; }), "invalid_input:direction");
  EXPECT_EQ(with([](GateEvent& e) { e.channel = 9; }), "invalid_input:channel");
  EXPECT_EQ(with([](GateEvent& e) { e.reason = "because"; }), "invalid_input:reason");
  EXPECT_EQ(with([](GateEvent& e) { e.outcome = "maybe"; }), "invalid_input:outcome");
  EXPECT_EQ(with([](GateEvent& e) { e.fault = std::string(65, 'x'); }),
            "invalid_input:fault_too_long");
  EXPECT_EQ(with([](GateEvent& e) { e.at += std::chrono::hours(1); }), "invalid_input:at");
  EXPECT_EQ(with([](GateEvent& e) { e.at -= std::chrono::hours(24 * 40); }), "invalid_input:at");
  EXPECT_EQ(with([](GateEvent& e) { e.reason = "remote"; }), "invalid_input:command");
  EXPECT_EQ(with([](GateEvent& e) { e.commandId = Uuid::random(); }), "invalid_input:command");
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.gate_event"), 0);
  KioskClient impostor(db_->urlAs("gatehouse_kiosk"),
                       KioskCredentials{demo_.kiosks[0].kioskId, "wrong-token"});
  EXPECT_THROW(impostor.gateEvent(opening()), backend::Error);
}

TEST_F(GateTest, AGuardsCommandIsTakenOnceByItsKioskAndTheEventNamesTheGuard) {
  KioskClient other(db_->urlAs("gatehouse_kiosk"),
                    KioskCredentials{demo_.kiosks[1].kioskId, demo_.kiosks[1].token});
  const Uuid command = openAsGuard();
  EXPECT_TRUE(other.takeCommands().empty()) << "another kiosk's command";
  const auto taken = kiosk_->takeCommands();
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].id, command);
  EXPECT_EQ(taken[0].direction, "exit");
  EXPECT_EQ(taken[0].requestedBy, personId("guard1@harbour.example"));
  EXPECT_TRUE(kiosk_->takeCommands().empty()) << "taken once";
  GateEvent e = opening();
  e.reason = "remote";
  e.direction = "exit";
  e.commandId = command;
  EXPECT_EQ(kiosk_->gateEvent(e), "recorded");
  EXPECT_EQ(
      count("SELECT count(*) AS n FROM gh.gate_event WHERE opened_by = $1 AND command_id = $2",
            {personId("guard1@harbour.example"), command}),
      1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.kiosk_command WHERE outcome = 'opened'"), 1);
}

TEST_F(GateTest, AStaleCommandIsNeverExecutedAndOnlyStaffMayOpen) {
  openAsGuard();
  owner_->exec("UPDATE gh.kiosk_command SET created_at = now() - interval '3 minutes'");
  EXPECT_TRUE(kiosk_->takeCommands().empty());
  auto c = server();
  EXPECT_THROW(c.asPerson(personId("a-101@harbour.example"),
                          [&](Connection& tx) {
                            tx.exec("SELECT gh.staff_open_gate($1, 'entry', 'let me in')",
                                    {demo_.kiosks[0].kioskId});
                          }),
               backend::Error);
  auto kioskRole = Connection(db_->urlAs("gatehouse_kiosk"));
  EXPECT_THROW(
      kioskRole.exec("SELECT gh.staff_open_gate($1, 'entry', 'x')", {demo_.kiosks[0].kioskId}),
      backend::Error);
}

TEST_F(GateTest, TheKioskIsWokenOnItsOwnChannelWithNoPayload) {
  std::atomic<int> wakes{0};
  std::atomic<bool> payload{false};
  const std::string channel = "gatehouse_kiosk_" + std::to_string(demo_.kiosks[0].kioskId);
  Listener l(db_->urlAs("gatehouse_kiosk"), channel, [&](const Notification& n) {
    if (!n.payload.empty()) payload = true;
    ++wakes;
  });
  ASSERT_TRUE(l.waitConnected(std::chrono::seconds(10)));
  const auto r = walkIn();
  kiosk_->requestVisit(r);
  decideAs("a-101@harbour.example", r.visitId, true);
  ASSERT_TRUE(waitUntil([&] { return wakes.load() >= 1; }));
  openAsGuard();
  ASSERT_TRUE(waitUntil([&] { return wakes.load() >= 2; }));
  EXPECT_FALSE(payload.load());
}

}  // namespace
