// The console's client side without a server: SSE parsing, the staff API's JSON, alert groups and
// cues, reports from history rows, server options, the [server] config.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "gatehouse/console/alert_groups.hpp"
#include "gatehouse/console/backend.hpp"
#include "gatehouse/console/config.hpp"
#include "gatehouse/console/event_stream.hpp"
#include "gatehouse/console/reports.hpp"
#include "gatehouse/console/server_client.hpp"
#include "gatehouse/console/wire.hpp"

namespace gatehouse::console {
namespace {

using namespace std::chrono_literals;

TEST(SseParser, DispatchesOnBlankLinesAcrossChunksAndLineEndings) {
  SseParser p;
  EXPECT_TRUE(p.feed("event: que").empty());
  auto e = p.feed("ue\ndata: {\"visit_id\":\"x\"}\n\n: ping\n\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].event, "queue");
  EXPECT_EQ(e[0].data, "{\"visit_id\":\"x\"}");
  EXPECT_EQ(p.comments(), 1);
  // CRLF split between chunks, CR alone, multi-line data, no space after the colon.
  e = p.feed("event:alerts\r");
  EXPECT_TRUE(e.empty());
  e = p.feed("\ndata:a\r\ndata: b\r\r");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].event, "alerts");
  EXPECT_EQ(e[0].data, "a\nb");
}

TEST(SseParser, IgnoresUnknownFieldsAndEventsWithoutDataAndKeepsRetry) {
  SseParser p;
  auto e = p.feed("event: kiosks\n\nfoo: bar\nretry: 3000\nid: 7\ndata: {}\n\n");
  ASSERT_EQ(e.size(), 1u);  // the first block had no data line: nothing to dispatch
  EXPECT_EQ(e[0].event, "message");
  EXPECT_EQ(e[0].id, "7");
  EXPECT_EQ(p.retryMs(), 3000);
  e = p.feed("retry: soon\nevent: resync\ndata: {}\n\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].event, "resync");
  EXPECT_EQ(p.retryMs(), 3000);  // a bad retry value is ignored
}

TEST(Wire, ReadsTheQueueWithPhonesAndPhotoAndSortsIt) {
  const std::string body = R"([
    {"id":"7f1c1c6e-9a51-4c53-9a43-0d6a3c3b8a01","visitor_name":"Vera","visitor_phone":"+1 555",
     "unit_label":"A-101","host_phones":["+44 1","+44 2"],"purpose":"Tea","kiosk_name":"Main gate",
     "requested_at_ms":1700000000000,"held":false,"escalated":false,"photo_id":null},
    {"id":"7f1c1c6e-9a51-4c53-9a43-0d6a3c3b8a02","visitor_name":"Ethan","visitor_phone":null,
     "unit_label":"B-1","host_phones":[],"purpose":"","kiosk_name":"Side",
     "requested_at_ms":1700000001000,"held":false,"escalated":true,
     "photo_id":"7f1c1c6e-9a51-4c53-9a43-0d6a3c3b8a09"}])";
  auto q = wire::parseQueue(body);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].visitorName, "Ethan");  // escalated first
  EXPECT_TRUE(q[0].hasPhoto);
  EXPECT_EQ(q[1].hostPhones, (std::vector<std::string>{"+44 1", "+44 2"}));
  EXPECT_EQ(q[1].visitorPhone, "+1 555");
  EXPECT_FALSE(q[1].hasPhoto);
  EXPECT_EQ(wire::toMs(q[1].requestedAt), 1700000000000);
}

TEST(Wire, ReadsKioskDevicesAndAlertsWithOptionalFields) {
  auto k = wire::parseKiosks(R"([{"id":3,"name":"Gate","location":"N","last_heartbeat_ms":null,
    "screen":"awaiting_approval","faults":["camera: stopped"],"outbox_depth":2,"version":"1",
    "latest_visit":null,"latest_visitor":null,"latest_photo_id":null,
    "devices":{"usb_scanner":"plugged","wedge":{"state":"unplugged"},"relay":{"plugged":true}}}])");
  ASSERT_EQ(k.size(), 1u);
  EXPECT_FALSE(k[0].lastHeartbeat);
  EXPECT_EQ(k[0].faults, (std::vector<std::string>{"camera: stopped"}));
  ASSERT_EQ(k[0].devices.size(), 3u);
  EXPECT_EQ(k[0].devices[0], (std::pair<std::string, std::string>{"relay", "plugged"}));
  EXPECT_EQ(k[0].devices[1].second, "plugged");
  EXPECT_EQ(k[0].devices[2].second, "unplugged");
  auto a = wire::parseAlerts(R"([{"id":5,"kind":"printer_fault","visit_id":null,"kiosk_id":3,
    "kiosk_name":"Gate","visitor_name":null,"unit_label":null,"details":{"reason":"out of paper"},
    "created_at_ms":1700000000000,"acknowledged_by":null,"acknowledged_at_ms":null}])");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kioskId, 3);
  EXPECT_FALSE(a[0].acknowledgedAt);
  EXPECT_NE(a[0].summary.find("out of paper"), std::string::npos);
}

TEST(Wire, AReplyThatBreaksTheContractIsAClearError) {
  for (const char* body : {"not json", "{}", R"([{"id":"x"}])", R"([{"id":1,"label":2}])"}) {
    try {
      wire::parseUnits(body);
      ADD_FAILURE() << body;
    } catch (const BackendError& e) {
      EXPECT_EQ(e.kind(), BackendErrorKind::Server) << body;
      EXPECT_EQ(e.code(), "bad_reply") << body;
      EXPECT_FALSE(e.detail().empty()) << body;
    }
  }
  std::string csrf;
  EXPECT_THROW(wire::parseLogin(R"({"id":1,"name":"G","role":"guard","csrf":""})", csrf),
               BackendError);
}

TEST(Wire, RetentionRoundTripsTheDayCountsAndReadsHolds) {
  auto r = wire::parseRetention(R"({"estate_id":1,"photos_days":30,"id_data_days":31,
    "names_days":365,"notifications_days":90,"legal_holds":[{"visit_id":
    "7f1c1c6e-9a51-4c53-9a43-0d6a3c3b8a01","reason":"police","placed_by":null,
    "placed_at_ms":1700000000000}]})");
  EXPECT_EQ(r.idDataDays, 31);
  ASSERT_EQ(r.legalHolds.size(), 1u);
  EXPECT_EQ(r.legalHolds[0].reason, "police");
  EXPECT_EQ(r.legalHolds[0].placedBy, "");
  r.photosDays = 7;
  EXPECT_EQ(wire::retentionChange(r),
            R"({"id_data_days":31,"names_days":365,"notifications_days":90,"photos_days":7})");
  EXPECT_THROW(wire::parseRetention(R"({"photos_days":"30"})"), BackendError);
}

TEST(Wire, HistoryQueryEncodesEveryFilter) {
  HistoryQuery q;
  q.name = "Анна & co";
  q.unit = "A-101";
  q.kioskId = 4;
  q.from = wire::fromMs(1000);
  q.limit = 50;
  const auto s = wire::historyQuery(q);
  EXPECT_EQ(s,
            "limit=50&name=%D0%90%D0%BD%D0%BD%D0%B0%20%26%20co&unit=A-101&from_ms=1000&kiosk_id=4");
}

TEST(ErrorFor, MapsStatusAndCodeAndKeepsRetryAfter) {
  auto e = errorFor({401, R"({"error":"invalid_credentials"})", "application/json", ""});
  EXPECT_EQ(e.kind(), BackendErrorKind::SignedOut);
  EXPECT_EQ(e.code(), "invalid_credentials");
  e = errorFor({423, R"({"error":"locked","until_ms":1700000000123})", "", ""});
  EXPECT_EQ(e.kind(), BackendErrorKind::Locked);
  EXPECT_EQ(e.detail(), "1700000000123");
  e = errorFor({429, R"({"error":"too_many_requests"})", "", "7"});
  EXPECT_EQ(e.kind(), BackendErrorKind::Throttled);
  EXPECT_EQ(e.detail(), "7");
  e = errorFor({400, R"({"error":"bad_field","field":"reason"})", "", ""});
  EXPECT_EQ(e.kind(), BackendErrorKind::Invalid);
  EXPECT_EQ(e.detail(), "reason");
  e = errorFor({502, "<html>", "text/html", ""});
  EXPECT_EQ(e.kind(), BackendErrorKind::Server);
  EXPECT_EQ(e.code(), "http_502");
}

AlertItem alert(std::int64_t id, const std::string& kind, std::optional<std::int64_t> kiosk,
                std::int64_t ms, const std::string& details = "{}") {
  AlertItem a;
  a.id = id;
  a.kind = kind;
  a.kioskId = kiosk;
  a.createdAt = wire::fromMs(ms);
  a.detailsJson = details;
  return a;
}

TEST(AlertGroups, SameKindAndSubjectGroupWithACountNewestFirst) {
  const std::vector<AlertItem> open{
      alert(9, "kiosk_offline", 1, 9000), alert(8, "printer_fault", 1, 8000),
      alert(7, "kiosk_offline", 1, 7000), alert(6, "kiosk_offline", 2, 6000)};
  auto g = groupAlerts(open);
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].latest.id, 9);
  EXPECT_EQ(g[0].ids, (std::vector<std::int64_t>{9, 7}));
  EXPECT_EQ(wire::toMs(g[0].first), 7000);
  EXPECT_EQ(g[1].count(), 1);
  EXPECT_EQ(g[2].latest.kioskId, 2);
}

TEST(AlertCues, SoundOnlyWhenSomethingNewHappens) {
  AlertCues cues;
  EXPECT_EQ(cues.update({alert(1, "kiosk_offline", 1, 1)}), 1);
  EXPECT_EQ(cues.update({alert(1, "kiosk_offline", 1, 1)}), 0);  // same alert again
  // The same kiosk still offline, raised again: quiet. A new kind or new details: a cue.
  EXPECT_EQ(cues.update({alert(2, "kiosk_offline", 1, 2), alert(1, "kiosk_offline", 1, 1)}), 0);
  EXPECT_EQ(cues.update({alert(3, "printer_fault", 1, 3, R"({"reason":"jam"})")}), 1);
  EXPECT_EQ(cues.update({alert(4, "printer_fault", 1, 4, R"({"reason":"out of paper"})")}), 1);
}

TEST(Reports, BuiltFromHistoryRowsCountsDecisionsDenialsAndTimeouts) {
  const auto t0 = wire::fromMs(1700000000000);
  auto row = [&](const std::string& kiosk, const std::string& status, int decidedAfterS,
                 bool escalated, const std::string& channel = "guard") {
    HistoryRow h;
    h.kioskName = kiosk;
    h.status = status;
    h.requestedAt = t0;
    if (decidedAfterS >= 0) h.decidedAt = t0 + std::chrono::seconds(decidedAfterS);
    h.escalated = escalated;
    h.decisionChannel = channel;
    return h;
  };
  const std::vector<HistoryRow> rows{
      row("Main", "approved", 10, false), row("Main", "denied", 30, true),
      row("Side", "approved", 0, false, "invitation"), row("Side", "expired", -1, true)};
  auto r = buildReport(rows, t0 - 1h, t0 + 1h);
  EXPECT_EQ(r.visits, 4);
  EXPECT_EQ(r.decided, 2);
  EXPECT_DOUBLE_EQ(r.avgDecisionS, 20);
  EXPECT_DOUBLE_EQ(r.denialRate, 0.5);
  EXPECT_DOUBLE_EQ(r.timeoutRate, 2.0 / 3.0);
  ASSERT_EQ(r.perKiosk.size(), 2u);
  EXPECT_EQ(r.perKiosk[0].kiosk, "Main");
  EXPECT_EQ(r.perKiosk[0].visits, 2);
  EXPECT_EQ(buildReport(rows, t0 + 1h, t0 + 2h).visits, 0);  // outside the range
}

TEST(ServerOptions, RefusesPlainHttpToAnythingButLoopbackAndAMissingCa) {
  EXPECT_TRUE(validate({"https://gate.example:8443", "", "", 1s, 1s}));
  EXPECT_TRUE(validate({"http://127.0.0.1:8080", "", "", 1s, 1s}));
  EXPECT_TRUE(validate({"http://[::1]:8080", "", "", 1s, 1s}));
  auto r = validate({"http://gate.example:8080", "", "", 1s, 1s});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "bad_server_url");
  EXPECT_FALSE(validate({"ftp://gate.example", "", "", 1s, 1s}));
  EXPECT_FALSE(validate({"", "", "", 1s, 1s}));
  r = validate({"https://gate.example", "/nonexistent/ca.pem", "", 1s, 1s});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "bad_ca_file");
}

TEST(Config, ReadsTheServerSectionAndRejectsTinyTimeouts) {
  auto c = loadConfig(std::string(std::getenv("GATEHOUSE_SOURCE_DIR")) + "/config/console.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->serverUrl.empty());
  EXPECT_TRUE(validate({c->serverUrl, "", c->pinSha256, 1s, 1s})) << c->serverUrl;
  const auto f =
      std::filesystem::temp_directory_path() / ("gh-srv-" + Uuid::random().toString() + ".toml");
  std::ofstream(f) << "[server]\nurl = \"https://s:1\"\nca_file = \"/etc/ca.pem\"\n"
                   << "pin_sha256 = \"abc=\"\nconnect_timeout_ms = 500\nrequest_timeout_ms = 900\n"
                   << "[console]\nevacuation_printer = \"guardroom\"\n";
  c = loadConfig(f.string());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->caFile, "/etc/ca.pem");
  EXPECT_EQ(c->pinSha256, "abc=");
  EXPECT_EQ(c->connectTimeout, 500ms);
  EXPECT_EQ(c->requestTimeout, 900ms);
  EXPECT_EQ(c->evacuationPrinter, "guardroom");
  std::ofstream(f) << "[server]\nrequest_timeout_ms = 5\n";
  EXPECT_FALSE(loadConfig(f.string()));
  std::filesystem::remove(f);
}

}  // namespace
}  // namespace gatehouse::console
