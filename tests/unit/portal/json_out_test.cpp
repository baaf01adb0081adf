// The server's JSON: escaping (quotes, backslashes, control characters, non-ASCII, bad UTF-8)
// and the exact bytes of the records the resident page and the guest page read.
#include "json_out.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "guest_pass.hpp"
#include "resources/invitations.hpp"
#include "resources/visits.hpp"

namespace gatehouse::portal {
namespace {

using std::chrono::milliseconds;

backend::TimePoint at(std::int64_t ms) { return backend::TimePoint(milliseconds(ms)); }

TEST(JsonOut, EscapesQuotesBackslashesAndControlCharactersAndKeepsNonAscii) {
  const std::string name = "Zo\u00eb \"Q\" \\ \x01\t\n \u540d \U0001F600";
  EXPECT_EQ(dumpJson(json{{"name", name}}),
            "{\"name\":\"Zo\u00eb \\\"Q\\\" \\\\ \\u0001\\t\\n \u540d \U0001F600\"}");
  EXPECT_EQ(json::parse(dumpJson(json{{"name", name}}))["name"], name);
}

TEST(JsonOut, TextThatIsNotUtf8BecomesReplacementCharactersNotAnException) {
  EXPECT_EQ(dumpJson(json{{"name",
                           "A\xff\xfe"
                           "B"}}),
            "{\"name\":\"A\uFFFD\uFFFDB\"}");
}

TEST(JsonOut, AbsentValuesAreNullAndTimesAreMilliseconds) {
  EXPECT_EQ(orNull(std::optional<std::string>()), json(nullptr));
  EXPECT_EQ(orNull(std::optional<std::string>("x")), json("x"));
  EXPECT_EQ(orNull(std::optional<Uuid>()), json(nullptr));
  EXPECT_EQ(msOrNull(std::nullopt), json(nullptr));
  EXPECT_EQ(msOrNull(at(1234567)), json(1234567));
  EXPECT_EQ(msOf(at(-5)), -5);
}

backend::ResidentVisit hostileVisit() {
  backend::ResidentVisit v;
  v.id = *Uuid::parse("0b7c6a52-51d9-4a0e-9a43-5f3c8d2e1f10");
  v.status = "approved";
  v.held = true;
  v.purpose = "Repairs \\ \"urgent\"";
  v.visitor = "O'Brien \"Bob\" \\ \x1f Zo\u00eb \u540d";
  v.unitLabel = "B-1204";
  v.kiosk = "Main gate";
  v.decidedBy = "Ana";
  v.decidedByRole = "resident";
  v.channel = "portal";
  v.requestedAt = at(1700000000000);
  v.decidedAt = at(1700000060000);
  v.readAt = at(1700000090500);
  v.photos.push_back({*Uuid::parse("1b7c6a52-51d9-4a0e-9a43-5f3c8d2e1f11"), "entry_photo"});
  return v;
}

// The bytes the resident page received before the writers were shared (pinned, not derived).
TEST(JsonOut, AVisitIsTheSameBytesAsBefore) {
  EXPECT_EQ(dumpJson(visitJson(hostileVisit())),
            R"({"channel":"portal","decided_by":"Ana","decided_by_role":"resident",)"
            R"("decided_ms":1700000060000,"entered_ms":null,"escalated":false,"exited_ms":null,)"
            R"("held":true,"id":"0b7c6a52-51d9-4a0e-9a43-5f3c8d2e1f10","invitation":null,)"
            R"("kiosk":"Main gate","photos":[{"id":"1b7c6a52-51d9-4a0e-9a43-5f3c8d2e1f11",)"
            R"("kind":"entry_photo"}],"purpose":"Repairs \\ \"urgent\"","reason":null,)"
            R"("requested_ms":1700000000000,"status":"approved","unit":"B-1204",)"
            R"("visitor":"O'Brien \"Bob\" \\ \u001f Zo)"
            "\u00eb \u540d"
            R"(","waiting_s":90})");
}

backend::ResidentInvitation hostileInvitation() {
  backend::ResidentInvitation i;
  i.id = *Uuid::parse("2b7c6a52-51d9-4a0e-9a43-5f3c8d2e1f12");
  i.kind = "recurring";
  i.guestName = "Gina \"G\" \\ Gu\u00e9st \u540d";
  i.guestPhone = "+44 7700 900123";
  i.validFrom = at(1700000000000);
  i.validUntil = at(1700600000000);
  i.dateFrom = "2023-11-14";
  i.dateUntil = "2023-11-21";
  i.weekdays = 31;
  i.dayStartMin = 480;
  i.dayEndMin = 1080;
  i.maxUses = 0;
  i.uses = 2;
  i.createdAt = at(1699990000000);
  i.state = "active";
  i.timezone = "Europe/London";
  return i;
}

TEST(JsonOut, AnInvitationIsTheSameBytesAsBefore) {
  EXPECT_EQ(
      dumpJson(invitationJson(hostileInvitation())),
      R"({"created_ms":1699990000000,"date_from":"2023-11-14","date_until":"2023-11-21",)"
      R"("day_end_min":1080,"day_start_min":480,"event_name":null,"guest_name":"Gina \"G\" \\ Guést 名",)"
      R"("guest_phone":"+44 7700 900123","id":"2b7c6a52-51d9-4a0e-9a43-5f3c8d2e1f12",)"
      R"("kind":"recurring","max_uses":0,"revoked_ms":null,"state":"active","timezone":"Europe/London",)"
      R"("uses":2,"valid_from_ms":1700000000000,"valid_until_ms":1700600000000,"weekdays":31})");
}

// The guest page states the invitation's terms through the same writer as the resident page,
// and still carries nothing of the host (phone, uses, id).
TEST(JsonOut, TheGuestPageIsTheSameBytesAsBeforeAndHoldsNothingOfTheHost) {
  backend::GuestPassView v;
  v.invitation = hostileInvitation();
  v.invitation.kind = "event";
  v.invitation.eventName = "Ana's <party>";
  v.estate = "Harbour View";
  v.address = "1 Harbour Road";
  v.directions = "Gate 2, \"left\"";
  const json page = guestPageJson(v, "<svg/>");
  EXPECT_EQ(
      dumpJson(page),
      R"({"address":"1 Harbour Road","date_from":"2023-11-14","date_until":"2023-11-21",)"
      R"("day_end_min":1080,"day_start_min":480,"directions":"Gate 2, \"left\"",)"
      R"("estate":"Harbour View","event_name":"Ana's <party>","guest_name":"Gina \"G\" \\ Guést 名",)"
      R"("kind":"event","max_uses":0,"qr_svg":"<svg/>","state":"active","valid_from_ms":1700000000000,)"
      R"("valid_until_ms":1700600000000,"weekdays":31})");
  for (const char* hostOnly : {"id", "guest_phone", "uses", "revoked_ms", "created_ms", "timezone"})
    EXPECT_FALSE(page.contains(hostOnly)) << hostOnly;
}

}  // namespace
}  // namespace gatehouse::portal
