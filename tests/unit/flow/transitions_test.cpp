// Every (state, event) pair of the flow: allowed ones land in the table's targets, forbidden ones
// change nothing.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "fakes.hpp"

namespace gatehouse::flow {
namespace {

using testing::Rig;
using Step = std::function<Event(const Rig&)>;

Step ev(EventKind k) {
  return [k](const Rig&) { return Event::of(k); };
}
Step visitEv(EventKind k, std::string text = {}) {
  return [k, text](const Rig& r) { return Event::forVisit(k, r.flow.session().visitId, text); };
}
Step textEv(EventKind k, std::string text) {
  return [k, text](const Rig&) { return Event::withText(k, text); };
}
Step details(bool complete) {
  return [complete](const Rig&) {
    Event e = Event::of(EventKind::DetailsSubmitted);
    e.visitor.name = "Ivan Sidorov";
    e.visitor.phone = "+7 900 000";
    e.visitor.purpose = complete ? "guest" : "";
    return e;
  };
}
Step resident() {
  return [](const Rig&) {
    Event e = Event::of(EventKind::ResidentChosen);
    e.entry = DirectoryEntry{7, "A-101", "A", "S."};
    return e;
  };
}
Step photo() {
  return [](const Rig&) {
    Event e = Event::of(EventKind::PhotoCaptured);
    e.bytes = {0xFF, 0xD8, 1, 2, 3};
    return e;
  };
}
Step facelessPhoto() {
  return [](const Rig&) {
    Event e = Event::withText(EventKind::PhotoCaptured, "no_face");
    e.bytes = {0xFF, 0xD8, 4, 5, 6};
    return e;
  };
}
Step directory() {
  return [](const Rig& r) {
    Event e = Event::withText(EventKind::DirectoryLoaded, r.flow.session().query);
    e.entries = {DirectoryEntry{7, "A-101", "A", "S."}};
    return e;
  };
}
Step idScan() {
  return [](const Rig&) {
    Event e = Event::of(EventKind::IdScanned);
    e.visitor.name = "Ivan Sidorov";
    e.visitor.documentType = "aamva";
    e.visitor.documentHash = "ab";
    return e;
  };
}
Step faultHere() {
  return [](const Rig& r) {
    switch (r.flow.state()) {
      case State::Photo:
      case State::ExitPhoto:
        return Event::fault(Device::Camera, "no_frames");
      case State::Approved:
      case State::PrintingBadge:
        return Event::fault(Device::Printer, "out_of_paper");
      default:
        return Event::fault(Device::Scanner, "disconnected");
    }
  };
}
Step validPass() {
  return [](const Rig& r) { return Event::withText(EventKind::CodeScanned, r.validPass()); };
}
Step forgedPass() {
  return [](const Rig& r) { return Event::withText(EventKind::CodeScanned, r.forgedPass()); };
}
Step badge() {
  return [](const Rig&) {
    return Event::withText(EventKind::CodeScanned, ExitToken::generate(Uuid::random()).encode());
  };
}
Step pinAnswer() {
  return [](const Rig& r) { return r.pinAnswer(); };
}
Step offline() {
  return [](const Rig&) { return Event::connectivity(false); };
}
Step online() {
  return [](const Rig&) { return Event::connectivity(true); };
}

// Paths from Welcome that between them visit every state, in every mode that changes behaviour.
std::vector<std::vector<Step>> paths() {
  const std::vector<Step> walkIn{ev(EventKind::StartWalkIn),
                                 textEv(EventKind::QueryChanged, "A-1"),
                                 directory(),
                                 resident(),
                                 idScan(),
                                 details(true),
                                 ev(EventKind::TakePhoto),
                                 photo(),
                                 ev(EventKind::PhotoAccepted)};
  // The relay refuses from here on / works again (a touch, so the step itself is always applied).
  auto gate = [](bool works) -> Step {
    return [works](const Rig& r) {
      r.gate.failing = !works;
      return Event::of(EventKind::UserActivity);
    };
  };
  auto extend = [](std::vector<Step> base, std::vector<Step> more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
  };
  return {
      extend(walkIn, {visitEv(EventKind::RequestAcknowledged),
                      visitEv(EventKind::DecisionReceived, "approved"),
                      visitEv(EventKind::PrintJobAccepted), visitEv(EventKind::PrintCompleted)}),
      extend(walkIn, {visitEv(EventKind::DecisionReceived, "approved"), gate(false),
                      visitEv(EventKind::PrintCompleted), gate(true)}),
      extend(walkIn, {visitEv(EventKind::DecisionReceived, "approved"),
                      visitEv(EventKind::PrintJobAccepted), gate(false)}),
      {ev(EventKind::StartExit), badge(), photo(), gate(false), visitEv(EventKind::ExitRecorded),
       gate(true)},
      {offline(), ev(EventKind::StartExit), badge(), gate(false)},
      extend(walkIn, {visitEv(EventKind::DecisionReceived, "denied")}),
      extend(walkIn, {ev(EventKind::ApprovalTimeout), textEv(EventKind::GuardPinEntered, "432198"),
                      pinAnswer(), faultHere()}),
      extend({offline()}, extend(walkIn, {textEv(EventKind::GuardPinEntered, "432198"), pinAnswer(),
                                          visitEv(EventKind::PrintJobAccepted), faultHere()})),
      {ev(EventKind::StartWalkIn), resident(), faultHere()},
      {ev(EventKind::StartWalkIn), resident(), details(true), faultHere()},
      {ev(EventKind::StartPass), validPass(), visitEv(EventKind::PassAccepted),
       ev(EventKind::TakePhoto), photo(), ev(EventKind::PhotoAccepted)},
      {ev(EventKind::StartPass), validPass(), visitEv(EventKind::PassRefused, "used_up")},
      {ev(EventKind::StartPass), faultHere()},
      {offline(), ev(EventKind::StartPass), validPass(), photo()},
      {ev(EventKind::StartExit), badge(), ev(EventKind::TakePhoto), photo(),
       visitEv(EventKind::ExitRecorded)},
      {ev(EventKind::StartExit), badge(), photo(), visitEv(EventKind::ExitRefused, "already_used")},
      {ev(EventKind::StartExit), badge(), faultHere()},
      {ev(EventKind::StartExit), faultHere()},
      {offline(), ev(EventKind::StartExit), badge()},
      {ev(EventKind::StartWalkIn), resident(), details(true), facelessPhoto(),
       ev(EventKind::PhotoAccepted), ev(EventKind::Retake), facelessPhoto(), ev(EventKind::Retake),
       facelessPhoto()},
      {ev(EventKind::StartExit), ev(EventKind::LostBadge)},
  };
}

// Every event kind, in every variant whose outcome differs.
std::vector<Step> variants() {
  return {ev(EventKind::UserActivity),
          textEv(EventKind::SelectLanguage, "ru"),
          ev(EventKind::StartWalkIn),
          ev(EventKind::StartPass),
          ev(EventKind::StartExit),
          ev(EventKind::Back),
          ev(EventKind::Cancel),
          ev(EventKind::Finish),
          textEv(EventKind::QueryChanged, "B"),
          directory(),
          resident(),
          idScan(),
          details(true),
          details(false),
          ev(EventKind::TakePhoto),
          photo(),
          facelessPhoto(),
          ev(EventKind::Retake),
          ev(EventKind::PhotoAccepted),
          visitEv(EventKind::RequestAcknowledged),
          visitEv(EventKind::DecisionReceived, "approved"),
          visitEv(EventKind::DecisionReceived, "denied"),
          visitEv(EventKind::DecisionReceived, "pending"),
          ev(EventKind::ApprovalTimeout),
          textEv(EventKind::GuardPinEntered, "432198"),
          textEv(EventKind::GuardPinEntered, "0000"),
          pinAnswer(),
          validPass(),
          forgedPass(),
          badge(),
          textEv(EventKind::CodeScanned, "hello"),
          visitEv(EventKind::PassAccepted),
          visitEv(EventKind::PassRefused, "used_up"),
          visitEv(EventKind::PrintJobAccepted),
          visitEv(EventKind::PrintCompleted),
          visitEv(EventKind::ExitRecorded),
          visitEv(EventKind::ExitRefused, "already_used"),
          faultHere(),
          ev(EventKind::Retry),
          online(),
          offline(),
          ev(EventKind::IdleTimeout),
          ev(EventKind::CallGuard),
          ev(EventKind::LostBadge)};
}

using Triple = std::tuple<State, EventKind, State>;

TEST(FlowTransitions, EveryAllowedAndForbiddenPairBehavesAsTheTableSays) {
  std::set<Triple> reached;
  std::set<std::pair<State, EventKind>> tried;
  const auto allPaths = paths();
  for (std::size_t p = 0; p < allPaths.size(); ++p) {
    const auto& path = allPaths[p];
    for (std::size_t prefix = 0; prefix <= path.size(); ++prefix) {
      for (const Step& variant : variants()) {
        Rig rig;
        for (std::size_t i = 0; i < prefix; ++i) {
          ASSERT_EQ(rig.flow.handle(path[i](rig)), Outcome::Applied)
              << "path " << p << " step " << i;
        }
        const State from = rig.flow.state();
        const Event event = variant(rig);
        const std::size_t callsBefore = rig.backend.calls.size();
        const Outcome outcome = rig.flow.handle(event);
        tried.insert({from, event.kind});
        const std::uint32_t targets = allowedTargets(from, event.kind);
        if (targets == 0) {
          EXPECT_EQ(outcome, Outcome::Forbidden) << toString(from) << " + " << toString(event.kind);
          EXPECT_EQ(rig.flow.state(), from);
          EXPECT_EQ(rig.backend.calls.size(), callsBefore) << "a forbidden event had an effect";
        } else {
          EXPECT_EQ(outcome, Outcome::Applied) << toString(from) << " + " << toString(event.kind);
          const State to = rig.flow.state();
          EXPECT_NE(targets & (1u << static_cast<unsigned>(to)), 0u)
              << toString(from) << " + " << toString(event.kind) << " -> " << toString(to);
          reached.insert({from, event.kind, to});
        }
      }
    }
  }
  // Every state was tried with every event kind, and every transition in the table was taken.
  for (int s = 0; s < kStateCount; ++s) {
    for (int e = 0; e < kEventCount; ++e) {
      const auto from = static_cast<State>(s);
      const auto kind = static_cast<EventKind>(e);
      EXPECT_TRUE(tried.count({from, kind}))
          << "never tried " << toString(from) << " + " << toString(kind);
      const std::uint32_t targets = allowedTargets(from, kind);
      for (int t = 0; t < kStateCount; ++t) {
        if (targets & (1u << t)) {
          EXPECT_TRUE(reached.count({from, kind, static_cast<State>(t)}))
              << "never took " << toString(from) << " + " << toString(kind) << " -> "
              << toString(static_cast<State>(t));
        }
      }
    }
  }
}

TEST(FlowTransitions, StateNamesRoundTrip) {
  for (int s = 0; s < kStateCount; ++s) {
    const auto state = static_cast<State>(s);
    EXPECT_EQ(stateFromString(toString(state)), state);
  }
  EXPECT_FALSE(stateFromString("nowhere"));
}

}  // namespace
}  // namespace gatehouse::flow
