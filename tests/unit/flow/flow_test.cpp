// Behaviour of the flow beyond the table: timeouts on a ManualClock, wiping, passes, faults.
#include <gtest/gtest.h>

#include "fakes.hpp"

namespace gatehouse::flow {
namespace {

using namespace std::chrono_literals;
using testing::FakePins;
using testing::Rig;
using testing::typePin;

void toAwaitingApproval(Rig& r) {
  r.flow.handle(Event::of(EventKind::StartWalkIn));
  Event chosen = Event::of(EventKind::ResidentChosen);
  chosen.entry = DirectoryEntry{7, "A-101", "A", "S."};
  r.flow.handle(chosen);
  Event d = Event::of(EventKind::DetailsSubmitted);
  d.visitor = VisitorInfo{"Ivan Sidorov", "+7900", "guest", "", ""};
  r.flow.handle(d);
  Event p = Event::of(EventKind::PhotoCaptured);
  p.bytes = {0xFF, 0xD8, 9, 9};
  r.flow.handle(p);
  r.flow.handle(Event::of(EventKind::PhotoAccepted));
}

TEST(Flow, WalkInSendsOneRequestWithPhotoAndPrintsBadgeWhenApproved) {
  Rig r;
  toAwaitingApproval(r);
  ASSERT_EQ(r.flow.state(), State::AwaitingApproval);
  ASSERT_EQ(r.backend.requests.size(), 1u);
  EXPECT_EQ(r.backend.requests[0].unitId, 7);
  EXPECT_EQ(r.backend.requests[0].visitor.name, "Ivan Sidorov");
  EXPECT_EQ(r.backend.requests[0].photoJpeg.size(), 4u);
  const Uuid visit = r.flow.session().visitId;
  r.flow.handle(Event::forVisit(EventKind::DecisionReceived, visit, "approved"));
  ASSERT_EQ(r.flow.state(), State::Approved);
  ASSERT_EQ(r.printer.badges.size(), 1u);
  auto token = parseExitToken(r.printer.badges[0].exitQr);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->visitId, visit);
  EXPECT_EQ(r.printer.badges[0].unitLabel, "A-101");
  r.flow.handle(Event::forVisit(EventKind::PrintJobAccepted, visit));
  r.flow.handle(Event::forVisit(EventKind::PrintCompleted, visit));
  EXPECT_EQ(r.flow.state(), State::Done);
  EXPECT_EQ(r.backend.calls.back(), "check_in:" + visit.toString());
}

TEST(Flow, ApprovalTimeoutAlertsTheGuardOnceOnTheInjectedClock) {
  Rig r;
  toAwaitingApproval(r);
  r.clock.advance(89s);
  r.flow.tick();
  EXPECT_EQ(r.flow.state(), State::AwaitingApproval);
  r.clock.advance(1s);
  r.flow.tick();
  EXPECT_EQ(r.flow.state(), State::AwaitingGuard);
  EXPECT_TRUE(r.flow.session().guardAlerted);
  r.flow.tick();
  EXPECT_EQ(std::count(r.backend.alerts.begin(), r.backend.alerts.end(), "approval_timeout"), 1);
  // The resident can still decide while the guard is on the way.
  r.flow.handle(Event::forVisit(EventKind::DecisionReceived, r.flow.session().visitId, "denied"));
  EXPECT_EQ(r.flow.state(), State::Denied);
}

TEST(Flow, IdleTimeoutReturnsToWelcomeAndWipesEverythingIncludingThePhoto) {
  Rig r;
  r.flow.handle(Event::withText(EventKind::SelectLanguage, "ru"));
  r.flow.handle(Event::of(EventKind::StartWalkIn));
  Event chosen = Event::of(EventKind::ResidentChosen);
  chosen.entry = DirectoryEntry{7, "A-101", "A", "S."};
  r.flow.handle(chosen);
  Event d = Event::of(EventKind::DetailsSubmitted);
  d.visitor = VisitorInfo{"Ivan", "+7900", "guest", "", ""};
  r.flow.handle(d);
  Event p = Event::of(EventKind::PhotoCaptured);
  p.bytes = {1, 2, 3};
  r.flow.handle(p);
  ASSERT_EQ(r.flow.state(), State::PhotoReview);
  const std::uint8_t* bytes = r.flow.session().photoJpeg.data();
  EXPECT_EQ(r.flow.session().language, "ru");
  r.clock.advance(59s);
  r.flow.tick();
  EXPECT_EQ(r.flow.state(), State::PhotoReview);
  r.flow.handle(Event::of(EventKind::UserActivity));  // a touch restarts the idle timer
  r.clock.advance(59s);
  r.flow.tick();
  EXPECT_EQ(r.flow.state(), State::PhotoReview);
  r.clock.advance(1s);
  r.flow.tick();
  EXPECT_EQ(r.flow.state(), State::Welcome);
  EXPECT_TRUE(r.flow.session().photoJpeg.empty());
  EXPECT_TRUE(r.flow.session().visitor.name.empty());
  EXPECT_FALSE(r.flow.session().unit);
  EXPECT_TRUE(r.flow.session().visitId.isNil());
  EXPECT_EQ(r.flow.session().language, "en");
  (void)bytes;
}

TEST(Flow, EndScreensResetAfterTheShortTimeout) {
  Rig r;
  toAwaitingApproval(r);
  r.flow.handle(Event::forVisit(EventKind::DecisionReceived, r.flow.session().visitId, "denied"));
  ASSERT_EQ(r.flow.state(), State::Denied);
  r.clock.advance(9s);
  r.flow.tick();
  EXPECT_EQ(r.flow.state(), State::Denied);
  r.clock.advance(1s);
  r.flow.tick();
  EXPECT_EQ(r.flow.state(), State::Welcome);
}

TEST(Flow, NoIdleTimeoutWhileTheKioskIsTheOneActing) {
  Rig r;
  toAwaitingApproval(r);
  r.flow.handle(Event::forVisit(EventKind::DecisionReceived, r.flow.session().visitId, "approved"));
  r.clock.advance(3600s);
  r.flow.tick();
  EXPECT_EQ(r.flow.state(), State::Approved);
}

TEST(Flow, StaleResultsForAnEarlierVisitAreIgnored) {
  Rig r;
  toAwaitingApproval(r);
  const Uuid old = r.flow.session().visitId;
  r.flow.handle(Event::of(EventKind::Cancel));
  EXPECT_EQ(r.backend.calls.back(), "cancel:" + old.toString());
  toAwaitingApproval(r);
  EXPECT_EQ(r.flow.handle(Event::forVisit(EventKind::DecisionReceived, old, "approved")),
            Outcome::Ignored);
  EXPECT_EQ(r.flow.state(), State::AwaitingApproval);
  EXPECT_TRUE(r.printer.badges.empty());
}

TEST(Flow, DirectoryResultsForAnOlderQueryAreDropped) {
  Rig r;
  r.flow.handle(Event::of(EventKind::StartWalkIn));
  r.flow.handle(Event::withText(EventKind::QueryChanged, "A"));
  r.flow.handle(Event::withText(EventKind::QueryChanged, "A-1"));
  Event late = Event::withText(EventKind::DirectoryLoaded, "A");
  late.entries = {DirectoryEntry{1, "A-001", "A", "K."}};
  r.flow.handle(late);
  EXPECT_TRUE(r.flow.session().results.empty());
  Event fresh = Event::withText(EventKind::DirectoryLoaded, "A-1");
  fresh.entries = {DirectoryEntry{7, "A-101", "A", "S."}};
  r.flow.handle(fresh);
  EXPECT_EQ(r.flow.session().results, fresh.entries);
  EXPECT_EQ(r.backend.calls, (std::vector<std::string>{"search:A", "search:A-1"}));
}

TEST(Flow, ValidPassGoesToPhotoAndBadgeWithoutApproval) {
  Rig r;
  r.flow.handle(Event::of(EventKind::StartPass));
  r.flow.handle(Event::withText(EventKind::CodeScanned, r.validPass()));
  ASSERT_EQ(r.flow.state(), State::CheckingPass);
  const Uuid visit = r.flow.session().visitId;
  EXPECT_EQ(r.backend.calls.back(), "use_invitation:" + visit.toString() + ":Olga Petrova");
  r.flow.handle(Event::forVisit(EventKind::PassAccepted, visit));
  Event p = Event::of(EventKind::PhotoCaptured);
  p.bytes = {1};
  r.flow.handle(p);
  r.flow.handle(Event::of(EventKind::PhotoAccepted));
  EXPECT_EQ(r.flow.state(), State::Approved);
  EXPECT_TRUE(r.backend.requests.empty());
  ASSERT_EQ(r.printer.badges.size(), 1u);
  EXPECT_EQ(r.printer.badges[0].visitorName, "Olga Petrova");
}

struct PassCase {
  const char* name;
  std::function<std::string(Rig&)> make;
  const char* reason;
};

TEST(Flow, BadPassesAreRefusedLocallyWithAReason) {
  const std::vector<PassCase> cases{
      {"forged", [](Rig& r) { return r.forgedPass(); }, "forged"},
      {"garbage", [](Rig&) { return std::string("hello"); }, "not_a_pass"},
      {"expired",
       [](Rig& r) {
         auto p = r.passTemplate();
         p.validUntil = r.clock.unixSeconds() - 1;
         return encodePass(p, r.trust.keys.secretKey);
       },
       "expired"},
      {"not yet",
       [](Rig& r) {
         auto p = r.passTemplate();
         p.validFrom = r.clock.unixSeconds() + 60;
         return encodePass(p, r.trust.keys.secretKey);
       },
       "not_yet_valid"},
      {"revoked",
       [](Rig& r) {
         auto p = r.passTemplate();
         r.trust.revokedIds.push_back(p.invitationId);
         return encodePass(p, r.trust.keys.secretKey);
       },
       "revoked"},
      {"other estate",
       [](Rig& r) {
         auto p = r.passTemplate();
         p.estateId = 2;
         return encodePass(p, r.trust.keys.secretKey);
       },
       "forged"},  // estate 2's key is unknown here, so its signature cannot be trusted
  };
  for (const auto& c : cases) {
    Rig r;
    r.flow.handle(Event::of(EventKind::StartPass));
    r.flow.handle(Event::withText(EventKind::CodeScanned, c.make(r)));
    EXPECT_EQ(r.flow.state(), State::PassRejected) << c.name;
    EXPECT_EQ(r.flow.session().reason, c.reason) << c.name;
    for (const auto& call : r.backend.calls)
      EXPECT_EQ(call.rfind("use_invitation", 0), std::string::npos) << c.name;
    const bool forged = std::string(c.reason) == "forged";
    EXPECT_EQ(r.backend.alerts,
              forged ? std::vector<std::string>{"forged_pass"} : std::vector<std::string>{})
        << c.name;
  }
}

TEST(Flow, PassUsedUpIsRefusedByTheDatabase) {
  Rig r;
  r.flow.handle(Event::of(EventKind::StartPass));
  r.flow.handle(Event::withText(EventKind::CodeScanned, r.validPass()));
  r.flow.handle(Event::forVisit(EventKind::PassRefused, r.flow.session().visitId, "used_up"));
  EXPECT_EQ(r.flow.state(), State::PassRejected);
  EXPECT_EQ(r.flow.session().reason, "used_up");
}

TEST(Flow, OfflinePassIsHonouredOnTheLocalCheck) {
  Rig r;
  r.flow.handle(Event::connectivity(false));
  r.flow.handle(Event::of(EventKind::StartPass));
  r.flow.handle(Event::withText(EventKind::CodeScanned, r.validPass()));
  EXPECT_EQ(r.flow.state(), State::Photo);
  EXPECT_EQ(r.backend.calls.size(), 1u);  // queued for the database all the same
}

TEST(Flow, OfflineWalkInWaitsForAGuardWhosePinApprovesAndIsAudited) {
  Rig r;
  r.flow.handle(Event::connectivity(false));
  toAwaitingApproval(r);
  ASSERT_EQ(r.flow.state(), State::AwaitingGuard);
  typePin(r.flow, r.pins, "1111");
  EXPECT_EQ(r.flow.state(), State::AwaitingGuard);
  EXPECT_TRUE(r.flow.session().pinRejected);
  typePin(r.flow, r.pins, "432198");
  EXPECT_EQ(r.flow.state(), State::Approved);
  EXPECT_EQ(r.backend.calls.back(),
            "guard_approved:" + r.flow.session().visitId.toString() + ":guard-7");
}

// The PIN is checked off the UI thread: typing it only starts the check ("checking..." on the
// pad), the answer arrives as an event for this visitor, and PINs typed meanwhile are dropped.
TEST(Flow, APinsAnswerArrivesAsAnEventAndThePadWaitsForIt) {
  Rig r;
  r.flow.handle(Event::connectivity(false));
  toAwaitingApproval(r);
  ASSERT_EQ(r.flow.state(), State::AwaitingGuard);
  r.flow.handle(Event::withText(EventKind::GuardPinEntered, "432198"));
  EXPECT_EQ(r.flow.state(), State::AwaitingGuard);
  EXPECT_TRUE(r.flow.session().pinChecking);
  EXPECT_EQ(r.pins.checks, (std::vector<std::string>{"432198"}));
  r.flow.handle(Event::withText(EventKind::GuardPinEntered, "111111"));
  EXPECT_EQ(r.pins.checks.size(), 1u);  // one check at a time
  EXPECT_EQ(r.flow.handle(Event::pinChecked(Uuid::random(), FakePins::answer("432198"))),
            Outcome::Ignored);  // an earlier visitor's answer
  EXPECT_EQ(r.flow.state(), State::AwaitingGuard);
  r.flow.handle(r.pinAnswer());
  EXPECT_EQ(r.flow.state(), State::Approved);
  EXPECT_FALSE(r.flow.session().pinChecking);
  EXPECT_EQ(r.flow.session().approvedByGuard, "guard-7");
}

TEST(Flow, APinCheckedByTheServerNamesItsCheckAndALockSaysSo) {
  Rig r;
  toAwaitingApproval(r);
  r.flow.handle(Event::of(EventKind::ApprovalTimeout));
  ASSERT_EQ(r.flow.state(), State::AwaitingGuard);
  typePin(r.flow, r.pins, "123456");
  EXPECT_EQ(r.flow.session().pinProblem, "wrong");
  typePin(r.flow, r.pins, "999999");
  EXPECT_EQ(r.flow.state(), State::AwaitingGuard);
  EXPECT_TRUE(r.flow.session().pinRejected);
  EXPECT_EQ(r.flow.session().pinProblem, "locked");
  typePin(r.flow, r.pins, "864213");
  EXPECT_EQ(r.flow.state(), State::Approved);
  EXPECT_EQ(r.backend.calls.back(),
            "guard_approved:" + r.flow.session().visitId.toString() + ":guard-8:check-1");
}

TEST(Flow, GoingOfflineWhileWaitingTellsTheVisitorAGuardWillHelp) {
  Rig r;
  toAwaitingApproval(r);
  r.flow.handle(Event::connectivity(false));
  EXPECT_EQ(r.flow.state(), State::AwaitingGuard);
  EXPECT_FALSE(r.flow.online());
}

TEST(Flow, ExitRecordsThePhotoAndAnUnknownBadgeAlertsTheGuard) {
  Rig r;
  const ExitToken token = ExitToken::generate(Uuid::random());
  r.flow.handle(Event::of(EventKind::StartExit));
  r.flow.handle(Event::withText(EventKind::CodeScanned, token.encode()));
  ASSERT_EQ(r.flow.state(), State::ExitPhoto);
  Event p = Event::of(EventKind::PhotoCaptured);
  p.bytes = {5, 5};
  r.flow.handle(p);
  EXPECT_EQ(r.flow.state(), State::RecordingExit);
  ASSERT_EQ(r.backend.exitPhotos.size(), 1u);
  EXPECT_EQ(r.backend.exitPhotos[0].size(), 2u);
  r.flow.handle(Event::forVisit(EventKind::ExitRefused, token.visitId, "already_used"));
  EXPECT_EQ(r.flow.state(), State::BadgeRejected);

  Rig r2;
  r2.flow.handle(Event::of(EventKind::StartExit));
  r2.flow.handle(Event::withText(EventKind::CodeScanned, "GH1:notabadge"));
  EXPECT_EQ(r2.flow.state(), State::BadgeRejected);
  EXPECT_EQ(r2.backend.alerts, std::vector<std::string>{"unknown_badge"});
}

TEST(Flow, PrinterFaultIsReportedAndRetryPrintsTheSameBadgeAgain) {
  Rig r;
  toAwaitingApproval(r);
  const Uuid visit = r.flow.session().visitId;
  r.flow.handle(Event::forVisit(EventKind::DecisionReceived, visit, "approved"));
  r.flow.handle(Event::forVisit(EventKind::PrintJobAccepted, visit));
  r.flow.handle(Event::fault(Device::Printer, "out_of_paper"));
  ASSERT_EQ(r.flow.state(), State::DeviceProblem);
  EXPECT_EQ(r.flow.session().reason, "out_of_paper");
  EXPECT_EQ(r.backend.alerts.back(), "printer_fault");
  r.flow.handle(Event::of(EventKind::Retry));
  EXPECT_EQ(r.flow.state(), State::Approved);
  ASSERT_EQ(r.printer.badges.size(), 2u);
  EXPECT_EQ(r.printer.badges[0].exitQr, r.printer.badges[1].exitQr);
}

TEST(Flow, AFaultOfAnotherDeviceDoesNotInterruptTheVisitor) {
  Rig r;
  r.flow.handle(Event::of(EventKind::StartPass));
  EXPECT_EQ(r.flow.handle(Event::fault(Device::Printer, "offline")), Outcome::Ignored);
  EXPECT_EQ(r.flow.state(), State::ScanPass);
}

TEST(Flow, APrinterFaultOfAnEarlierVisitorsBadgeIsIgnored) {
  Rig r;
  toAwaitingApproval(r);
  r.flow.handle(Event::forVisit(EventKind::DecisionReceived, r.flow.session().visitId, "approved"));
  Event old = Event::fault(Device::Printer, "out_of_paper");
  old.visit = Uuid::random();
  EXPECT_EQ(r.flow.handle(old), Outcome::Ignored);
  EXPECT_EQ(r.flow.state(), State::Approved);
}

TEST(Flow, IncompleteDetailsStayOnTheFormWithAReason) {
  Rig r;
  r.flow.handle(Event::of(EventKind::StartWalkIn));
  Event chosen = Event::of(EventKind::ResidentChosen);
  chosen.entry = DirectoryEntry{7, "A-101", "A", "S."};
  r.flow.handle(chosen);
  Event d = Event::of(EventKind::DetailsSubmitted);
  d.visitor.name = "";
  d.visitor.purpose = "guest";
  r.flow.handle(d);
  EXPECT_EQ(r.flow.state(), State::VisitorDetails);
  EXPECT_EQ(r.flow.session().reason, "details_incomplete");
}

TEST(Flow, TakingAPhotoTwiceBeforeItArrivesAsksTheCameraOnce) {
  Rig r;
  r.flow.handle(Event::connectivity(false));
  r.flow.handle(Event::of(EventKind::StartPass));
  r.flow.handle(Event::withText(EventKind::CodeScanned, r.validPass()));
  r.flow.handle(Event::of(EventKind::TakePhoto));
  r.flow.handle(Event::of(EventKind::TakePhoto));
  EXPECT_EQ(r.camera.captures, 1);
}

TEST(Flow, TheGateOpensOnceTheBadgeIsPrintedForAnApprovedWalkIn) {
  Rig r;
  toAwaitingApproval(r);
  const Uuid visit = r.flow.session().visitId;
  r.flow.handle(Event::forVisit(EventKind::DecisionReceived, visit, "approved"));
  r.flow.handle(Event::forVisit(EventKind::PrintJobAccepted, visit));
  EXPECT_TRUE(r.gate.openings.empty()) << "waits for the badge by default";
  r.flow.handle(Event::forVisit(EventKind::PrintCompleted, visit));
  EXPECT_EQ(r.flow.state(), State::Done);
  ASSERT_EQ(r.gate.openings.size(), 1u);
  EXPECT_EQ(r.gate.openings[0].visitId, visit);
  EXPECT_EQ(r.gate.openings[0].direction, "entry");
  EXPECT_EQ(r.gate.openings[0].reason, "walk_in");
}

TEST(Flow, NotWaitingForTheBadgeTheGateOpensAtApprovalAndOnlyOnce) {
  Rig r;
  r.config.gateWaitsForBadge = false;
  Flow flow{Ports{&r.backend, &r.trust, &r.camera, &r.printer, &r.pins, &r.gate}, r.clock,
            r.config};
  flow.handle(Event::of(EventKind::StartWalkIn));
  flow.handle(Event::of(EventKind::Cancel));
  flow.handle(Event::connectivity(false));
  flow.handle(Event::of(EventKind::StartWalkIn));
  Event chosen = Event::of(EventKind::ResidentChosen);
  chosen.entry = DirectoryEntry{7, "A-101", "A", "S."};
  flow.handle(chosen);
  Event d = Event::of(EventKind::DetailsSubmitted);
  d.visitor = VisitorInfo{"Ivan Sidorov", "+7900", "guest", "", ""};
  flow.handle(d);
  Event p = Event::of(EventKind::PhotoCaptured);
  p.bytes = {1};
  flow.handle(p);
  flow.handle(Event::of(EventKind::PhotoAccepted));
  ASSERT_EQ(flow.state(), State::AwaitingGuard);
  typePin(flow, r.pins, "432198");
  ASSERT_EQ(flow.state(), State::Approved);
  ASSERT_EQ(r.gate.openings.size(), 1u);
  EXPECT_EQ(r.gate.openings[0].reason, "guard_pin");
  flow.handle(Event::forVisit(EventKind::PrintCompleted, flow.session().visitId));
  EXPECT_EQ(flow.state(), State::Done);
  EXPECT_EQ(r.gate.openings.size(), 1u);
}

TEST(Flow, APassAndAnExitOpenTheGateButADenialOrARefusedBadgeDoNot) {
  Rig r;
  r.flow.handle(Event::of(EventKind::StartPass));
  r.flow.handle(Event::withText(EventKind::CodeScanned, r.validPass()));
  const Uuid visit = r.flow.session().visitId;
  r.flow.handle(Event::forVisit(EventKind::PassAccepted, visit));
  Event p = Event::of(EventKind::PhotoCaptured);
  p.bytes = {1};
  r.flow.handle(p);
  r.flow.handle(Event::of(EventKind::PhotoAccepted));
  r.flow.handle(Event::forVisit(EventKind::PrintCompleted, visit));
  ASSERT_EQ(r.gate.openings.size(), 1u);
  EXPECT_EQ(r.gate.openings[0].reason, "pass");

  Rig denied;
  toAwaitingApproval(denied);
  denied.flow.handle(
      Event::forVisit(EventKind::DecisionReceived, denied.flow.session().visitId, "denied"));
  EXPECT_EQ(denied.flow.state(), State::Denied);
  EXPECT_TRUE(denied.gate.openings.empty());

  Rig exit;
  const ExitToken token = ExitToken::generate(Uuid::random());
  exit.flow.handle(Event::of(EventKind::StartExit));
  exit.flow.handle(Event::withText(EventKind::CodeScanned, token.encode()));
  exit.flow.handle(p);
  exit.flow.handle(Event::forVisit(EventKind::ExitRefused, token.visitId, "already_used"));
  EXPECT_TRUE(exit.gate.openings.empty());
  exit.flow.handle(Event::of(EventKind::Finish));
  exit.flow.handle(Event::of(EventKind::StartExit));
  exit.flow.handle(Event::withText(EventKind::CodeScanned, token.encode()));
  exit.flow.handle(p);
  exit.flow.handle(Event::forVisit(EventKind::ExitRecorded, token.visitId));
  EXPECT_EQ(exit.flow.state(), State::ExitDone);
  ASSERT_EQ(exit.gate.openings.size(), 1u);
  EXPECT_EQ(exit.gate.openings[0].direction, "exit");
  EXPECT_EQ(exit.gate.openings[0].visitId, token.visitId);
}

TEST(Flow, ARelayFaultShowsTheVisitorANextStepAndRetryOpensTheGate) {
  Rig r;
  toAwaitingApproval(r);
  const Uuid visit = r.flow.session().visitId;
  r.flow.handle(Event::forVisit(EventKind::DecisionReceived, visit, "approved"));
  r.gate.failing = true;
  r.flow.handle(Event::forVisit(EventKind::PrintCompleted, visit));
  ASSERT_EQ(r.flow.state(), State::DeviceProblem);
  EXPECT_EQ(r.flow.session().faultDevice, Device::Gate);
  EXPECT_EQ(r.flow.session().reason, "relay_missing");
  EXPECT_EQ(r.backend.calls.back(), "check_in:" + visit.toString()) << "the entry is recorded";
  r.flow.handle(Event::of(EventKind::Retry));
  EXPECT_EQ(r.flow.state(), State::DeviceProblem) << "still broken";
  r.gate.failing = false;
  r.flow.handle(Event::of(EventKind::Retry));
  EXPECT_EQ(r.flow.state(), State::Done);
  EXPECT_EQ(r.gate.openings.size(), 1u);
}

Event facelessPhoto(std::uint8_t marker) {
  Event e = Event::withText(EventKind::PhotoCaptured, "no_face");
  e.bytes = {0xFF, 0xD8, marker};
  return e;
}

void toPhoto(Rig& r) {
  r.flow.handle(Event::of(EventKind::StartWalkIn));
  Event chosen = Event::of(EventKind::ResidentChosen);
  chosen.entry = DirectoryEntry{7, "A-101", "A", "S."};
  r.flow.handle(chosen);
  Event d = Event::of(EventKind::DetailsSubmitted);
  d.visitor = VisitorInfo{"Ivan Sidorov", "+7900", "guest", "", ""};
  r.flow.handle(d);
  ASSERT_EQ(r.flow.state(), State::Photo);
}

TEST(FlowFace, APhotoWithNoFaceCannotBeUsed) {
  Rig r;
  toPhoto(r);
  r.flow.handle(facelessPhoto(1));
  ASSERT_EQ(r.flow.state(), State::PhotoReview);
  EXPECT_EQ(r.flow.handle(Event::of(EventKind::PhotoAccepted)), Outcome::Applied);
  EXPECT_EQ(r.flow.state(), State::PhotoReview);
  EXPECT_TRUE(r.backend.requests.empty()) << "a faceless photo went out with a request";
  r.flow.handle(Event::of(EventKind::Retake));
  Event good = Event::of(EventKind::PhotoCaptured);
  good.bytes = {0xFF, 0xD8, 7};
  r.flow.handle(good);
  r.flow.handle(Event::of(EventKind::PhotoAccepted));
  EXPECT_EQ(r.flow.state(), State::AwaitingApproval);
  ASSERT_EQ(r.backend.requests.size(), 1u);
  EXPECT_EQ(r.backend.requests[0].photoJpeg, good.bytes);
}

TEST(FlowFace, TheThirdFacelessPhotoHandsTheVisitorToAGuardWithThatPhoto) {
  Rig r;
  toPhoto(r);
  for (std::uint8_t i = 1; i <= 2; ++i) {
    r.flow.handle(facelessPhoto(i));
    ASSERT_EQ(r.flow.state(), State::PhotoReview);
    r.flow.handle(Event::of(EventKind::Retake));
  }
  EXPECT_TRUE(r.backend.alerts.empty());
  r.flow.handle(facelessPhoto(3));
  EXPECT_EQ(r.flow.state(), State::GuardHelp);
  EXPECT_EQ(r.flow.session().reason, "face_not_found");
  ASSERT_EQ(r.backend.alerts, std::vector<std::string>{"face_not_found"});
  ASSERT_EQ(r.backend.alertPhotos.size(), 1u);
  EXPECT_EQ(r.backend.alertPhotos[0], (std::vector<std::uint8_t>{0xFF, 0xD8, 3}));
  EXPECT_NE(r.backend.alertDetails[0].find("\"tries\":3"), std::string::npos);
  r.flow.handle(Event::of(EventKind::Finish));
  EXPECT_EQ(r.flow.state(), State::Welcome);
  EXPECT_EQ(r.flow.session().facelessPhotos, 0);
}

void toExitPhoto(Rig& r, const ExitToken& token) {
  r.flow.handle(Event::of(EventKind::StartExit));
  r.flow.handle(Event::withText(EventKind::CodeScanned, token.encode()));
  ASSERT_EQ(r.flow.state(), State::ExitPhoto);
}

TEST(FlowFace, AFacelessExitPhotoIsTakenAgainAndAGoodOneRecordsTheExit) {
  Rig r;
  const ExitToken token = ExitToken::generate(Uuid::random());
  toExitPhoto(r, token);
  r.flow.handle(facelessPhoto(1));
  EXPECT_EQ(r.flow.state(), State::ExitPhoto);
  EXPECT_EQ(r.flow.session().photoHint, "no_face");  // the screen says why
  EXPECT_TRUE(r.backend.exitPhotos.empty()) << "a faceless exit photo was recorded";
  EXPECT_TRUE(r.backend.alerts.empty());
  Event good = Event::of(EventKind::PhotoCaptured);
  good.bytes = {0xFF, 0xD8, 9};
  r.flow.handle(good);
  EXPECT_EQ(r.flow.state(), State::RecordingExit);
  ASSERT_EQ(r.backend.exitPhotos.size(), 1u);
  EXPECT_EQ(r.backend.exitPhotos[0], good.bytes);
  EXPECT_TRUE(r.backend.alerts.empty());
}

TEST(FlowFace, TheThirdFacelessExitPhotoAlertsAGuardWithItAndStillRecordsTheExit) {
  Rig r;
  const ExitToken token = ExitToken::generate(Uuid::random());
  toExitPhoto(r, token);
  for (std::uint8_t i = 1; i <= 2; ++i) {
    r.flow.handle(facelessPhoto(i));
    ASSERT_EQ(r.flow.state(), State::ExitPhoto);
  }
  r.flow.handle(facelessPhoto(3));
  EXPECT_EQ(r.flow.state(), State::RecordingExit);  // never trapped inside
  ASSERT_EQ(r.backend.alerts, std::vector<std::string>{"face_not_found"});
  ASSERT_EQ(r.backend.alertPhotos.size(), 1u);
  EXPECT_EQ(r.backend.alertPhotos[0], (std::vector<std::uint8_t>{0xFF, 0xD8, 3}));
  EXPECT_EQ(r.backend.alertDetails[0], R"({"tries":3,"screen":"exit_photo"})");
  ASSERT_EQ(r.backend.exitPhotos.size(), 1u);
  EXPECT_EQ(r.backend.exitPhotos[0], (std::vector<std::uint8_t>{0xFF, 0xD8, 3}));
  r.flow.handle(Event::forVisit(EventKind::ExitRecorded, token.visitId));
  EXPECT_EQ(r.flow.state(), State::ExitDone);
  ASSERT_EQ(r.gate.openings.size(), 1u);
  EXPECT_EQ(r.gate.openings[0].direction, "exit");
}

TEST(FlowFace, OfflineTheThirdFacelessExitPhotoStillLetsThePersonOut) {
  Rig r;
  r.flow.handle(Event::connectivity(false));
  toExitPhoto(r, ExitToken::generate(Uuid::random()));
  for (std::uint8_t i = 1; i <= 3; ++i) r.flow.handle(facelessPhoto(i));
  EXPECT_EQ(r.flow.state(), State::ExitDone);
  EXPECT_EQ(r.backend.alerts, std::vector<std::string>{"face_not_found"});
  EXPECT_EQ(r.gate.openings.size(), 1u);
}

TEST(FlowGuard, CallingAGuardAlertsOncePerScreenWithTheScreenAndPhotoAndStays) {
  Rig r;
  r.flow.handle(Event::of(EventKind::StartPass));
  r.flow.handle(Event::withText(EventKind::CodeScanned, "not a pass"));
  ASSERT_EQ(r.flow.state(), State::PassRejected);
  r.flow.handle(Event::of(EventKind::CallGuard));
  r.flow.handle(Event::of(EventKind::CallGuard));  // a second tap: the guard is already coming
  EXPECT_EQ(r.flow.state(), State::PassRejected);
  EXPECT_TRUE(r.flow.session().guardCalled);
  ASSERT_EQ(r.backend.alertDetails.size(), 1u);
  EXPECT_EQ(r.backend.alertDetails[0], R"({"screen":"pass_rejected"})");
  EXPECT_TRUE(r.backend.alertPhotos[0].empty());

  Rig w;
  toPhoto(w);
  Event p = Event::of(EventKind::PhotoCaptured);
  p.bytes = {0xFF, 0xD8, 5};
  w.flow.handle(p);
  w.flow.handle(Event::of(EventKind::CallGuard));
  EXPECT_EQ(w.flow.state(), State::PhotoReview);
  ASSERT_EQ(w.backend.alertPhotos.size(), 1u);
  EXPECT_EQ(w.backend.alertPhotos[0], p.bytes);
  EXPECT_EQ(w.backend.alertDetails[0], R"({"screen":"photo_review"})");
}

TEST(FlowGuard, ACallFromWelcomeIsForgottenAfterTheIdleTime) {
  Rig r;
  r.flow.handle(Event::of(EventKind::CallGuard));
  EXPECT_TRUE(r.flow.session().guardCalled);
  r.clock.advance(r.flow.config().idleTimeout);
  r.flow.tick();
  EXPECT_FALSE(r.flow.session().guardCalled);
  EXPECT_EQ(r.backend.alerts, std::vector<std::string>{"guard_called"});
}

TEST(FlowGuard, ALostBadgeAtExitCallsAGuard) {
  Rig r;
  r.flow.handle(Event::of(EventKind::StartExit));
  r.flow.handle(Event::of(EventKind::LostBadge));
  EXPECT_EQ(r.flow.state(), State::GuardHelp);
  EXPECT_EQ(r.flow.session().reason, "lost_badge");
  EXPECT_EQ(r.backend.alerts, std::vector<std::string>{"lost_badge"});
}

}  // namespace
}  // namespace gatehouse::flow
