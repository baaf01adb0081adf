// The card of an ID read: judged expired on the kiosk's clock, taken away by a typed name, never
// in a visit request, gone when the request leaves or the session ends.
#include <gtest/gtest.h>

#include "fakes.hpp"

namespace gatehouse::flow {
namespace {

using namespace std::chrono_literals;
using testing::Rig;

// 2027-01-15 08:00 UTC, what a default ManualClock reads.
constexpr CalendarDate kRigToday{2027, 1, 15};

Event scanned(CalendarDate expiry, const std::string& name = "Anna Maria Eriksson") {
  Event e = Event::of(EventKind::IdScanned);
  e.visitor.name = name;
  e.visitor.documentType = "mrz";
  e.visitor.documentHash = "hmac-of-the-number";
  e.document.kind = "passport";
  e.document.name = name;
  e.document.numberEnding = "2C3";
  e.document.nationality = "UTO";
  e.document.dateOfBirth = {1974, 8, 12};
  e.document.expiry = expiry;
  return e;
}

void toDetails(Flow& f) {
  f.handle(Event::of(EventKind::StartWalkIn));
  Event chosen = Event::of(EventKind::ResidentChosen);
  chosen.entry = DirectoryEntry{7, "A-101", "A", "S."};
  f.handle(chosen);
  ASSERT_EQ(f.state(), State::VisitorDetails);
}

Event submitted(const std::string& name) {
  Event d = Event::of(EventKind::DetailsSubmitted);
  d.visitor = VisitorInfo{name, "+7900", "guest", "", ""};
  return d;
}

void photoAccepted(Flow& f) {
  Event p = Event::of(EventKind::PhotoCaptured);
  p.bytes = {0xFF, 0xD8, 9, 9};
  f.handle(p);
  f.handle(Event::of(EventKind::PhotoAccepted));
}

TEST(DocumentCard, AnExpiryBeforeTodayOnTheKiosksClockIsExpiredAndTheVisitorGoesOn) {
  Rig r;
  toDetails(r.flow);
  r.flow.handle(scanned(kRigToday));
  EXPECT_TRUE(r.flow.session().document.present());
  EXPECT_FALSE(r.flow.session().document.expired) << "valid through its last day";
  r.flow.handle(scanned({2027, 1, 14}));
  EXPECT_TRUE(r.flow.session().document.expired);
  r.flow.handle(scanned({2034, 4, 15}));
  EXPECT_FALSE(r.flow.session().document.expired) << "a new read replaces the last one";
  r.flow.handle(scanned({2012, 4, 15}));
  ASSERT_TRUE(r.flow.session().document.expired);
  r.flow.handle(submitted("Anna Maria Eriksson"));
  EXPECT_EQ(r.flow.state(), State::Photo) << "an expired document does not stop the visitor";
  EXPECT_TRUE(r.backend.alerts.empty()) << "the guard sees the visitor, not a flag";
}

TEST(DocumentCard, TodayIsTheKiosksDateInItsTimeZone) {
  Rig r;
  FlowConfig config;
  config.utcOffsetSeconds = 2 * 3600;  // 2027-01-14 23:00 UTC is already the 15th at the gate
  r.clock.set(Clock::time_point{std::chrono::seconds(1'800'000'000)} - 9h);
  Flow f{Ports{&r.backend, &r.trust, &r.camera, &r.printer, &r.pins, &r.gate}, r.clock, config};
  toDetails(f);
  f.handle(scanned({2027, 1, 14}));
  EXPECT_TRUE(f.session().document.expired);
  config.utcOffsetSeconds = 0;  // at UTC it is still the 14th: the document is valid today
  Flow utc{Ports{&r.backend, &r.trust, &r.camera, &r.printer, &r.pins, &r.gate}, r.clock, config};
  toDetails(utc);
  utc.handle(scanned({2027, 1, 14}));
  EXPECT_FALSE(utc.session().document.expired);
}

TEST(DocumentCard, TheVisitRequestCarriesOnlyTheDocumentTypeAndTheKeyedHash) {
  Rig r;
  toDetails(r.flow);
  r.flow.handle(scanned({2012, 4, 15}));
  r.flow.handle(submitted("Anna Maria Eriksson"));
  photoAccepted(r.flow);
  ASSERT_EQ(r.backend.requests.size(), 1u);
  const VisitRequest& q = r.backend.requests[0];
  EXPECT_EQ(q.visitor.documentType, "mrz");
  EXPECT_EQ(q.visitor.documentHash, "hmac-of-the-number");
  // Every text the request holds, in one string: nothing of the card is in it.
  const std::string all = q.visitId.toString() + "|" + std::to_string(q.unitId) + "|" +
                          q.visitor.name + "|" + q.visitor.phone + "|" + q.visitor.purpose + "|" +
                          q.visitor.documentType + "|" + q.visitor.documentHash + "|" +
                          std::string(q.photoJpeg.begin(), q.photoJpeg.end());
  for (const char* shown : {"UTO", "2C3", "1974", "2012", "passport", "expired"})
    EXPECT_EQ(all.find(shown), std::string::npos) << shown;
  EXPECT_FALSE(r.flow.session().document.present()) << "dropped once the request left";
}

TEST(DocumentCard, ANameTypedOverTheScannedOneTakesTheCardAwayAndKeepsTheDocument) {
  Rig r;
  toDetails(r.flow);
  r.flow.handle(scanned({2034, 4, 15}));
  r.flow.handle(submitted("Anna Maria Eriksson"));
  ASSERT_EQ(r.flow.state(), State::Photo);
  EXPECT_TRUE(r.flow.session().document.present()) << "the name is still the document's";
  r.flow.handle(Event::of(EventKind::Back));
  ASSERT_EQ(r.flow.state(), State::VisitorDetails);
  EXPECT_TRUE(r.flow.session().document.present()) << "back from the photo, the card is there";
  r.flow.handle(submitted("Anna Eriksson"));
  EXPECT_FALSE(r.flow.session().document.present());
  EXPECT_EQ(r.flow.session().visitor.name, "Anna Eriksson");
  EXPECT_EQ(r.flow.session().visitor.documentType, "mrz");
  EXPECT_EQ(r.flow.session().visitor.documentHash, "hmac-of-the-number");
}

TEST(DocumentCard, TheCardIsGoneWhenTheSessionEnds) {
  Rig r;
  toDetails(r.flow);
  r.flow.handle(scanned({2034, 4, 15}));
  r.flow.handle(Event::of(EventKind::Back));  // to the resident list
  EXPECT_TRUE(r.flow.session().document.present());
  r.flow.handle(Event::of(EventKind::Back));  // to Welcome
  ASSERT_EQ(r.flow.state(), State::Welcome);
  EXPECT_FALSE(r.flow.session().document.present());
  toDetails(r.flow);
  r.flow.handle(scanned({2034, 4, 15}));
  r.clock.advance(r.flow.config().idleTimeout + 1s);
  r.flow.tick();
  ASSERT_EQ(r.flow.state(), State::Welcome);
  EXPECT_FALSE(r.flow.session().document.present());
  EXPECT_TRUE(r.flow.session().visitor.documentHash.empty());
}

}  // namespace
}  // namespace gatehouse::flow
