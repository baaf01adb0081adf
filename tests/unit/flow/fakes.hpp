// In-process fakes for the flow's ports: they record calls, results are posted by the test.
#pragma once
#include <string>
#include <vector>

#include "gatehouse/core/pass.hpp"
#include "gatehouse/flow/flow.hpp"

namespace gatehouse::flow::testing {

struct FakeBackend : VisitBackend {
  std::vector<std::string> calls;
  std::vector<VisitRequest> requests;
  std::vector<std::string> alerts;
  std::vector<std::vector<std::uint8_t>> exitPhotos;
  std::vector<std::string> alertDetails;               // of alerts with a photo
  std::vector<std::vector<std::uint8_t>> alertPhotos;  // of alerts with a photo
  void searchDirectory(const std::string& q) override { calls.push_back("search:" + q); }
  void requestVisit(const VisitRequest& r) override {
    calls.push_back("request:" + r.visitId.toString());
    requests.push_back(r);
  }
  void cancelVisit(const Uuid& v) override { calls.push_back("cancel:" + v.toString()); }
  void useInvitation(const Uuid& v, const InvitationPass&, const std::string& name) override {
    calls.push_back("use_invitation:" + v.toString() + ":" + name);
  }
  void addEntryPhoto(const Uuid& v, const std::vector<std::uint8_t>&) override {
    calls.push_back("entry_photo:" + v.toString());
  }
  void checkIn(const Uuid& v, const ExitToken&) override {
    calls.push_back("check_in:" + v.toString());
  }
  void checkOut(const ExitToken& t, const std::vector<std::uint8_t>& photo) override {
    calls.push_back("check_out:" + t.visitId.toString());
    exitPhotos.push_back(photo);
  }
  void guardApprovedAtKiosk(const Uuid& v, const std::string& guard,
                            const std::string& pinCheck) override {
    calls.push_back("guard_approved:" + v.toString() + ":" + guard +
                    (pinCheck.empty() ? "" : ":" + pinCheck));
  }
  void raiseAlert(const std::string& kind, const std::optional<Uuid>&,
                  const std::string&) override {
    calls.push_back("alert:" + kind);
    alerts.push_back(kind);
  }
  void raiseAlertWithPhoto(const std::string& kind, const std::optional<Uuid>&,
                           const std::string& details,
                           const std::vector<std::uint8_t>& photo) override {
    calls.push_back("alert:" + kind);
    alerts.push_back(kind);
    alertDetails.push_back(details);
    alertPhotos.push_back(photo);
  }
};

struct FakeTrust : PassTrust {
  KeyPair keys = KeyPair::generate();
  std::vector<Uuid> revokedIds;
  std::optional<PublicKey> key(std::int64_t estate, std::uint8_t keyId) const override {
    if (estate == 1 && keyId == 1) return keys.publicKey;
    return std::nullopt;
  }
  bool revoked(const Uuid& id) const override {
    for (const auto& r : revokedIds) {
      if (r == id) return true;
    }
    return false;
  }
};

struct FakeCamera : PhotoCamera {
  int captures = 0;
  void capture() override { ++captures; }
};

struct FakePrinter : BadgePrinter {
  std::vector<BadgeData> badges;
  void print(const BadgeData& b) override { badges.push_back(b); }
};

// 432198: guard 7 checked offline; 864213: guard 8 checked by the server; 999999: locked.
// check() only records the PIN: a test hands the flow the answer (answerLast) when it chooses,
// as the kiosk's worker thread would.
struct FakePins : GuardPins {
  std::vector<std::string> checks;
  void check(const Uuid&, const std::string& pin) override { checks.push_back(pin); }
  static PinResult answer(const std::string& pin) {
    using O = PinResult::Outcome;
    if (pin == "432198") return {O::Ok, "guard-7", ""};
    if (pin == "864213") return {O::Ok, "guard-8", "check-1"};
    if (pin == "999999") return {O::Locked, "", ""};
    return {O::Wrong, "", ""};
  }
};

struct FakeGate : Gate {
  std::vector<GateOpening> openings;
  mutable bool failing = false;  // flipped by test steps that only see a const Rig
  Status open(const GateOpening& o) override {
    if (failing) return makeError("relay_missing", "no relay board");
    openings.push_back(o);
    return Ok{};
  }
};

struct Rig {
  FakeBackend backend;
  FakeTrust trust;
  FakeCamera camera;
  FakePrinter printer;
  FakePins pins;
  FakeGate gate;
  ManualClock clock;
  FlowConfig config;
  Flow flow{Ports{&backend, &trust, &camera, &printer, &pins, &gate}, clock, config};

  InvitationPass passTemplate() const {
    InvitationPass p;
    p.estateId = 1;
    p.keyId = 1;
    p.invitationId = Uuid::random();
    p.validFrom = clock.unixSeconds() - 3600;
    p.validUntil = clock.unixSeconds() + 3600;
    p.guestName = "Olga Petrova";
    p.unitLabel = "A-101";
    return p;
  }
  std::string validPass() const { return encodePass(passTemplate(), trust.keys.secretKey); }
  std::string forgedPass() const {
    return encodePass(passTemplate(), KeyPair::generate().secretKey);
  }
  // The answer to the last PIN checked (wrong when none was), for the current visitor.
  Event pinAnswer() const {
    return Event::pinChecked(flow.session().visitId,
                             FakePins::answer(pins.checks.empty() ? "" : pins.checks.back()));
  }
};

// A guard types a PIN and the check answers (as the worker would, a frame or more later).
inline void typePin(Flow& flow, const FakePins& pins, const std::string& pin) {
  flow.handle(Event::withText(EventKind::GuardPinEntered, pin));
  flow.handle(Event::pinChecked(flow.session().visitId,
                                FakePins::answer(pins.checks.empty() ? "" : pins.checks.back())));
}

}  // namespace gatehouse::flow::testing
