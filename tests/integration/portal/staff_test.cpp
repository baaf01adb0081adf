// The staff API and its live stream against the real server and a throwaway cluster.
#include <openssl/evp.h>

#include <map>
#include <set>

#include "gatehouse/backend/listener.hpp"
#include "gatehouse/core/base64url.hpp"
#include "gatehouse/core/password.hpp"
#include "harness.hpp"

namespace gatehouse::portal::testing {
namespace {

using namespace std::chrono_literals;

class StaffApiTest : public PortalTest {
 protected:
  void configure(PortalConfig& cfg) override { cfg.streamPingSeconds = 1; }

  // A session as the sign-in creates one (staff sign in with TOTP through /api/login, which is
  // helper "split"'s part; these tests need only the session).
  Browser staffSession(const std::string& email) {
    const auto token = randomToken(32);
    const auto csrf = randomToken(24);
    admin_->exec(
        "SELECT gh.portal_session_create($1, $2, $3, make_interval(hours => 1), 'staff test')",
        {personId(email), sha256Hex(token), csrf});
    return Browser{"gh_session=" + token, csrf, json::object()};
  }
  Browser guard() { return staffSession(demo_.guardEmails[0]); }
  Browser admin() { return staffSession(demo_.adminEmail); }
  Browser otherEstateGuard() { return staffSession("guard@hillside.example"); }

  json getJson(const Browser& b, const std::string& path, int status = 200) {
    auto res = get(b, path);
    EXPECT_TRUE(res);
    if (!res) return json();
    EXPECT_EQ(res->status, status) << path << ": " << res->body;
    return json::parse(res->body, nullptr, false);
  }
  json postJson(const Browser& b, const std::string& path, const json& body, int status = 200) {
    auto res = post(b, path, body);
    EXPECT_TRUE(res);
    if (!res) return json();
    EXPECT_EQ(res->status, status) << path << ": " << res->body;
    return json::parse(res->body, nullptr, false);
  }
  std::string statusOf(const Uuid& visit) {
    return db_.exec("SELECT status FROM gh.visit WHERE id = '" + visit.toString() + "'");
  }
  static std::string base64Encode(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
  }
  std::int64_t raiseAlert(const Uuid& visit) {
    return kiosk_->raiseAlert("unknown_badge", visit, R"({"code":"x"})");
  }
};

// Every route of the contract, with the body each POST needs to pass validation.
struct RouteCase {
  std::string method, path;
  json body;
};
std::vector<RouteCase> everyRoute(const std::string& visit) {
  const std::string v = "/api/staff/visits/" + visit;
  return {
      {"GET", "/api/staff/session", {}},
      {"GET", "/api/staff/kiosks", {}},
      {"GET", "/api/staff/queue", {}},
      {"GET", "/api/staff/alerts?state=open", {}},
      {"GET", "/api/staff/onsite", {}},
      {"GET", "/api/staff/history?name=a", {}},
      {"GET", v + "/photo", {}},
      {"GET", "/api/staff/evidence/" + visit + "/photo", {}},
      {"GET", "/api/staff/alerts/1/photo", {}},
      {"GET", "/api/staff/units", {}},
      {"POST", v + "/decide", {{"approve", true}, {"reason", "called"}}},
      {"POST", v + "/cancel", json::object()},
      {"POST",
       "/api/staff/visits/manual-entry",
       {{"visit_id", Uuid::random().toString()}, {"unit_id", 1}, {"name", "N"}, {"reason", "r"}}},
      {"POST", v + "/manual-exit", {{"reason", "r"}}},
      {"POST", "/api/staff/alerts/ack", {{"ids", {1}}}},
      {"GET", "/api/staff/watchlist", {}},
      {"POST", "/api/staff/watchlist", {{"name", "X"}, {"reason", "r"}}},
      {"POST", "/api/staff/watchlist/from-visit", {{"visit_id", visit}, {"reason", "r"}}},
      {"POST", "/api/staff/watchlist/1/active", {{"active", false}}},
      {"GET", "/api/staff/watchlist/1/hits", {}},
      {"POST", "/api/staff/kiosks/1/open-gate", {{"direction", "entry"}, {"reason", "r"}}},
      {"GET", "/api/staff/retention", {}},
      {"POST", "/api/staff/retention", {{"photos_days", 20}}}};
}

TEST_F(StaffApiTest, GuardSeesSessionKiosksQueueAlertsOnSiteAndUnits) {
  auto g = guard();
  auto s = getJson(g, "/api/staff/session");
  EXPECT_EQ(s["role"], "guard");
  EXPECT_EQ(s["estate_id"], demo_.estateId);
  EXPECT_EQ(s["full_name"], "Grace Guard");
  EXPECT_EQ(s["estate_name"], "Harbour View");

  backend::Heartbeat beat;
  beat.screen = "welcome";
  beat.deviceHealthJson =
      R"({"camera":"ok","printer":"out_of_paper","usb":{"devices":[{"kind":"scanner","id":"0c2e:0b61","port":"1-2"}]}})";
  beat.version = "1.2.3";
  kiosk_->heartbeat(beat);
  auto visit = requestVisit("A-101", "Vera Visitor");
  admin_->exec("UPDATE gh.visitor SET phone = '+44 7700 900123' WHERE full_name = 'Vera Visitor'");
  auto photo = addPhoto(visit, backend::EvidenceKind::EntryPhoto, "\xff\xd8jpeg-bytes");

  auto kiosks = getJson(g, "/api/staff/kiosks");
  ASSERT_TRUE(kiosks.is_array());
  ASSERT_EQ(kiosks.size(), 3u);  // the estate's three, none of the other estate's
  const auto& k = kiosks[0];
  EXPECT_EQ(k["id"], demo_.kiosks[0].kioskId);
  EXPECT_EQ(k["screen"], "welcome");
  EXPECT_EQ(k["version"], "1.2.3");
  EXPECT_TRUE(k["last_heartbeat_ms"].is_number_integer());
  EXPECT_EQ(k["faults"], json::array({"printer: out_of_paper"}));
  EXPECT_EQ(k["devices"]["usb"]["devices"][0]["kind"], "scanner");
  EXPECT_EQ(k["latest_visit"], visit.toString());
  EXPECT_EQ(k["latest_visitor"], "Vera Visitor");
  EXPECT_EQ(k["latest_photo_id"], photo.toString());
  EXPECT_TRUE(kiosks[1]["last_heartbeat_ms"].is_null());

  auto queue = getJson(g, "/api/staff/queue");
  ASSERT_EQ(queue.size(), 1u);
  const auto& q = queue[0];
  EXPECT_EQ(q["id"], visit.toString());
  EXPECT_EQ(q["visitor_name"], "Vera Visitor");
  EXPECT_EQ(q["visitor_phone"], "+44 7700 900123");
  EXPECT_EQ(q["unit_label"], "A-101");
  ASSERT_FALSE(q["host_phones"].empty());
  EXPECT_EQ(q["host_phones"][0].get<std::string>().rfind("+44 20 7946", 0), 0u);
  EXPECT_EQ(q["kiosk_name"], "Main gate");
  EXPECT_EQ(q["photo_id"], photo.toString());
  EXPECT_FALSE(q["held"].get<bool>());
  const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  EXPECT_NEAR(q["requested_at_ms"].get<double>(), static_cast<double>(nowMs), 60000.0);

  auto alertId = raiseAlert(visit);
  auto alerts = getJson(g, "/api/staff/alerts?state=open");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["id"], alertId);
  EXPECT_EQ(alerts[0]["kind"], "unknown_badge");
  EXPECT_EQ(alerts[0]["visitor_name"], "Vera Visitor");
  EXPECT_EQ(alerts[0]["details"]["code"], "x");
  EXPECT_TRUE(alerts[0]["acknowledged_at_ms"].is_null());
  EXPECT_TRUE(getJson(g, "/api/staff/alerts?state=acknowledged&limit=20").empty());

  auto photoRes = get(g, "/api/staff/visits/" + visit.toString() + "/photo");
  ASSERT_TRUE(photoRes);
  EXPECT_EQ(photoRes->status, 200);
  EXPECT_EQ(photoRes->body, "\xff\xd8jpeg-bytes");
  EXPECT_EQ(photoRes->get_header_value("Content-Type"), "image/jpeg");
  // Faces on a guard PC: no HTTP cache keeps them (as the alert photo below).
  EXPECT_EQ(photoRes->get_header_value("Cache-Control"), "no-store");
  auto evRes = get(g, "/api/staff/evidence/" + photo.toString() + "/photo");
  ASSERT_TRUE(evRes);
  EXPECT_EQ(evRes->body, "\xff\xd8jpeg-bytes");
  EXPECT_EQ(evRes->get_header_value("Cache-Control"), "no-store");
  getJson(g, "/api/staff/visits/" + Uuid::random().toString() + "/photo", 404);

  auto units = getJson(g, "/api/staff/units");
  EXPECT_EQ(units.size(), 40u);
  EXPECT_TRUE(getJson(g, "/api/staff/onsite").empty());
}

TEST_F(StaffApiTest, ApproveOnBehalfFiresTheKiosksDecisionChannel) {
  auto g = guard();
  auto visit = requestVisit("A-102", "Paul Parcel");
  std::atomic<int> wakeups{0};
  backend::Listener kioskChannel(db_.urlAs("gatehouse_kiosk"),
                                 "gatehouse_kiosk_" + std::to_string(demo_.kiosks[0].kioskId),
                                 [&](const backend::Notification&) { ++wakeups; });
  ASSERT_TRUE(kioskChannel.waitConnected(10s));
  auto r = postJson(g, "/api/staff/visits/" + visit.toString() + "/decide",
                    {{"approve", true}, {"reason", "called the resident"}});
  EXPECT_EQ(r["status"], "approved");
  EXPECT_TRUE(waitUntil([&] { return wakeups.load() > 0; }, 10s));
  EXPECT_EQ(statusOf(visit), "approved");
  EXPECT_EQ(
      db_.exec("SELECT decision_channel || '|' || decision_reason FROM gh.visit WHERE id = '" +
               visit.toString() + "'"),
      "guard|called the resident");
  // Decided already: a second decision is a conflict, not a change.
  auto again = post(g, "/api/staff/visits/" + visit.toString() + "/decide",
                    json{{"approve", false}, {"reason", "late"}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409) << again->body;
  // Cancelling another pending one.
  auto other = requestVisit("A-103", "Carl Cancel");
  EXPECT_EQ(
      postJson(g, "/api/staff/visits/" + other.toString() + "/cancel", json::object())["status"],
      "cancelled");
}

TEST_F(StaffApiTest, GroupedAlertsAreAcknowledgedTogether) {
  auto g = guard();
  auto visit = requestVisit("A-101", "Ann Alert");
  auto a1 = raiseAlert(visit), a2 = raiseAlert(visit), a3 = raiseAlert(visit);
  auto r = postJson(g, "/api/staff/alerts/ack", {{"ids", {a1, a2}}});
  EXPECT_EQ(r["acknowledged"], 2);
  // One already acknowledged is skipped, the rest still counted.
  EXPECT_EQ(postJson(g, "/api/staff/alerts/ack", {{"ids", {a2, a3}}})["acknowledged"], 1);
  EXPECT_TRUE(getJson(g, "/api/staff/alerts?state=open").empty());
  auto acked = getJson(g, "/api/staff/alerts?state=acknowledged&limit=2");
  ASSERT_EQ(acked.size(), 2u);
  EXPECT_EQ(acked[0]["acknowledged_by"], "Grace Guard");
  EXPECT_TRUE(acked[0]["acknowledged_at_ms"].is_number_integer());
  postJson(g, "/api/staff/alerts/ack", {{"ids", {a1}}}, 404);  // nothing left to acknowledge
}

TEST_F(StaffApiTest, ManualEntryAndExitShowOnSiteAndInHistory) {
  auto g = guard();
  const auto visit = Uuid::random();
  const std::string jpeg = "\xff\xd8manual-photo";
  auto r = postJson(g, "/api/staff/visits/manual-entry",
                    {{"visit_id", visit.toString()},
                     {"unit_id", unitId("B-201")},
                     {"name", "Mona Manual"},
                     {"phone", "+44 7700 900555"},
                     {"purpose", "Plumber"},
                     {"reason", "kiosk out of order"},
                     {"photo_base64", base64Encode(jpeg)},
                     {"photo_type", "image/jpeg"}});
  EXPECT_TRUE(r["expected_exit_at_ms"].is_number_integer());
  auto onsite = getJson(g, "/api/staff/onsite");
  ASSERT_EQ(onsite.size(), 1u);
  EXPECT_EQ(onsite[0]["visit_id"], visit.toString());
  EXPECT_EQ(onsite[0]["visitor_name"], "Mona Manual");
  EXPECT_EQ(onsite[0]["phone"], "+44 7700 900555");
  EXPECT_EQ(onsite[0]["kiosk_name"], "manual");
  EXPECT_EQ(onsite[0]["expected_exit_at_ms"], r["expected_exit_at_ms"]);
  ASSERT_TRUE(onsite[0]["photo_id"].is_string());
  auto photo = get(g, "/api/staff/visits/" + visit.toString() + "/photo");
  ASSERT_TRUE(photo);
  EXPECT_EQ(photo->body, jpeg);

  EXPECT_EQ(postJson(g, "/api/staff/visits/" + visit.toString() + "/manual-exit",
                     {{"reason", "left on foot"}})["status"],
            "exited");
  EXPECT_TRUE(getJson(g, "/api/staff/onsite").empty());
  auto hist = getJson(g, "/api/staff/history?name=mona&status=checked_out&limit=10");
  ASSERT_EQ(hist.size(), 1u);
  EXPECT_EQ(hist[0]["unit_label"], "B-201");
  EXPECT_TRUE(hist[0]["exited_at_ms"].is_number_integer());
  EXPECT_TRUE(getJson(g, "/api/staff/history?name=mona&status=pending").empty());
  const auto future = std::chrono::duration_cast<std::chrono::milliseconds>(
                          (std::chrono::system_clock::now() + 1h).time_since_epoch())
                          .count();
  EXPECT_TRUE(getJson(g, "/api/staff/history?name=mona&from_ms=" + std::to_string(future)).empty());
  // Bad input loses nothing and says which field.
  auto bad = getJson(g, "/api/staff/history?from_ms=yesterday", 400);
  EXPECT_EQ(bad["field"], "from_ms");
  EXPECT_EQ(getJson(g, "/api/staff/history?status=gone", 400)["field"], "status");
  EXPECT_EQ(postJson(g, "/api/staff/visits/manual-entry",
                     {{"visit_id", Uuid::random().toString()},
                      {"unit_id", unitId("B-201")},
                      {"name", "X"},
                      {"reason", "r"},
                      {"photo_base64", "***"}},
                     400)["field"],
            "photo_base64");
}

TEST_F(StaffApiTest, WatchlistIsForAdminsOnly) {
  auto g = guard();
  auto a = admin();
  getJson(g, "/api/staff/watchlist", 403);
  postJson(g, "/api/staff/watchlist", {{"name", "Eve Evil"}, {"reason", "theft"}}, 403);
  auto id = postJson(a, "/api/staff/watchlist", {{"name", "Eve Evil"}, {"reason", "theft"}})["id"];
  ASSERT_TRUE(id.is_number_integer());
  auto visit = requestVisit("A-104", "Eve Evil");  // the kiosk's check raises a hit
  auto list = getJson(a, "/api/staff/watchlist");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["full_name"], "Eve Evil");
  EXPECT_EQ(list[0]["added_by"], "Ada Admin");
  EXPECT_TRUE(list[0]["active"].get<bool>());
  const auto idText = std::to_string(id.get<std::int64_t>());
  auto hits = getJson(a, "/api/staff/watchlist/" + idText + "/hits");
  EXPECT_EQ(hits.size(), static_cast<std::size_t>(list[0]["hits"].get<int>()));
  auto r = postJson(a, "/api/staff/watchlist/" + idText + "/active", {{"active", false}});
  EXPECT_EQ(r, json({{"id", id}, {"active", false}}));
  auto fromVisit = postJson(a, "/api/staff/watchlist/from-visit",
                            {{"visit_id", visit.toString()}, {"reason", "again"}});
  EXPECT_TRUE(fromVisit["id"].is_number_integer());
  EXPECT_EQ(getJson(a, "/api/staff/watchlist").size(), 2u);
  EXPECT_EQ(
      postJson(a, "/api/staff/watchlist/" + idText + "/active", {{"active", "no"}}, 400)["field"],
      "active");
}

TEST_F(StaffApiTest, AnotherEstatesWatchlistHitsAreNotFound) {
  auto a = admin();
  const auto theirs = admin_
                          ->exec(
                              "INSERT INTO gh.watchlist (estate_id, full_name, name_key, reason) "
                              "VALUES ($1, 'Eve Evil', 'eve evil', 'theft') RETURNING id",
                              {demo_.otherEstateId})[0]
                          .int64("id");
  EXPECT_EQ(getJson(a, "/api/staff/watchlist/" + std::to_string(theirs) + "/hits", 404)["error"],
            "not_found");
  EXPECT_EQ(getJson(a, "/api/staff/watchlist/999999/hits", 404)["error"], "not_found");
  auto mine =
      postJson(a, "/api/staff/watchlist", {{"name", "Eve Evil"}, {"reason", "theft"}})["id"];
  EXPECT_TRUE(
      getJson(a, "/api/staff/watchlist/" + std::to_string(mine.get<std::int64_t>()) + "/hits")
          .is_array());
}

TEST_F(StaffApiTest, AnAlertsPhotoIsServedUncachedToItsEstateOnly) {
  auto g = guard();
  auto visit = requestVisit("A-101", "Fay Faceless");
  const std::vector<std::uint8_t> jpeg{0xff, 0xd8, 0xff, 0xe0, 'f', 'a', 'c', 'e'};
  const auto withPhoto =
      kiosk_->raiseAlert(Uuid::random(), "face_not_found", visit, R"({"tries":3})", jpeg);
  const auto without = raiseAlert(visit);
  std::map<std::int64_t, bool> hasPhoto;
  for (const auto& a : getJson(g, "/api/staff/alerts?state=open"))
    hasPhoto[a["id"].get<std::int64_t>()] = a["has_photo"].get<bool>();
  EXPECT_EQ(hasPhoto, (std::map<std::int64_t, bool>{{withPhoto, true}, {without, false}}));

  auto res = get(g, "/api/staff/alerts/" + std::to_string(withPhoto) + "/photo");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "image/jpeg");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(res->body, std::string(jpeg.begin(), jpeg.end()));
  getJson(g, "/api/staff/alerts/" + std::to_string(without) + "/photo", 404);
  getJson(g, "/api/staff/alerts/999999/photo", 404);
  getJson(g, "/api/staff/alerts/abc/photo", 404);
  getJson(otherEstateGuard(), "/api/staff/alerts/" + std::to_string(withPhoto) + "/photo", 404);
}

TEST_F(StaffApiTest, OpenGateQueuesACommandForTheKiosk) {
  auto g = guard();
  const auto kiosk = std::to_string(demo_.kiosks[0].kioskId);
  auto r = postJson(g, "/api/staff/kiosks/" + kiosk + "/open-gate",
                    {{"direction", "entry"}, {"reason", "ambulance"}});
  ASSERT_TRUE(r["command_id"].is_string());
  EXPECT_EQ(db_.exec("SELECT count(*) FROM gh.kiosk_command WHERE id = '" +
                     r["command_id"].get<std::string>() + "'"),
            "1");
  EXPECT_EQ(postJson(g, "/api/staff/kiosks/" + kiosk + "/open-gate",
                     {{"direction", "sideways"}, {"reason", "x"}}, 400)["field"],
            "direction");
  getJson(g, "/api/staff/kiosks/" + kiosk + "/open-gate", 404);  // POST only
}

TEST_F(StaffApiTest, RetentionIsReadAndSetByAdmins) {
  auto a = admin();
  auto r = getJson(a, "/api/staff/retention");
  EXPECT_EQ(r["estate_id"], demo_.estateId);
  EXPECT_EQ(r["photos_days"], 30);
  EXPECT_TRUE(r["legal_holds"].is_array());
  auto changed = postJson(a, "/api/staff/retention", {{"photos_days", 14}, {"names_days", 200}});
  EXPECT_EQ(changed["photos_days"], 14);
  EXPECT_EQ(changed["names_days"], 200);
  EXPECT_EQ(changed["id_data_days"], 30);
  EXPECT_EQ(postJson(a, "/api/staff/retention", {{"photos_days", 0}}, 400)["field"], "photos_days");
  EXPECT_EQ(getJson(a, "/api/staff/retention")["photos_days"], 14);
  getJson(guard(), "/api/staff/retention", 403);
}

TEST_F(StaffApiTest, ResidentSessionIsForbiddenOnEveryRoute) {
  auto resident = signIn("a-101@harbour.example");
  auto visit = requestVisit("A-101", "Rita Resident-Guest");
  for (const auto& rc : everyRoute(visit.toString())) {
    auto res = rc.method == "GET" ? get(resident, rc.path) : post(resident, rc.path, rc.body);
    ASSERT_TRUE(res) << rc.path;
    EXPECT_EQ(res->status, 403) << rc.method << " " << rc.path << ": " << res->body;
    EXPECT_EQ(json::parse(res->body)["error"], "forbidden") << rc.path;
  }
  auto c = client();
  for (const auto& rc : everyRoute(visit.toString())) {
    auto res = rc.method == "GET" ? c.Get(rc.path.c_str())
                                  : c.Post(rc.path.c_str(), rc.body.dump(), "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << rc.path;
  }
  EXPECT_EQ(statusOf(visit), "pending");  // nothing changed
}

TEST_F(StaffApiTest, AnotherEstatesGuardGetsNotFound) {
  auto other = otherEstateGuard();
  auto visit = requestVisit("A-101", "Olive Outsider");
  auto photo = addPhoto(visit, backend::EvidenceKind::EntryPhoto, "\xff\xd8x");
  const std::string v = "/api/staff/visits/" + visit.toString();
  postJson(other, v + "/decide", {{"approve", true}, {"reason", "x"}}, 404);
  postJson(other, v + "/cancel", json::object(), 404);
  getJson(other, v + "/photo", 404);
  getJson(other, "/api/staff/evidence/" + photo.toString() + "/photo", 404);
  postJson(other, "/api/staff/alerts/ack", {{"ids", {raiseAlert(visit)}}}, 404);
  postJson(other, "/api/staff/kiosks/" + std::to_string(demo_.kiosks[0].kioskId) + "/open-gate",
           {{"direction", "entry"}, {"reason", "x"}}, 404);
  EXPECT_TRUE(getJson(other, "/api/staff/queue").empty());
  EXPECT_EQ(getJson(other, "/api/staff/kiosks").size(), 1u);  // its own kiosk only
  EXPECT_TRUE(getJson(other, "/api/staff/alerts").empty());
  EXPECT_EQ(statusOf(visit), "pending");
  // Decided: still "not found" for them, never a 409 that tells its status.
  postJson(guard(), v + "/decide", {{"approve", true}, {"reason", "called the resident"}});
  EXPECT_EQ(postJson(other, v + "/decide", {{"approve", false}, {"reason", "x"}}, 404)["error"],
            "not_found");
  postJson(other, v + "/cancel", json::object(), 404);
}

TEST_F(StaffApiTest, HistorySaysWhetherTheVisitWasEscalated) {
  auto g = guard();
  auto late = requestVisit("A-101", "Ella Escalated");
  auto quick = requestVisit("A-102", "Quentin Quick");
  admin_->exec("UPDATE gh.visit SET escalated_at = now() WHERE id = $1", {late});
  auto hist = getJson(g, "/api/staff/history?limit=10");
  std::map<std::string, bool> escalated;
  for (const auto& h : hist) escalated[h["visitor_name"].get<std::string>()] = h["escalated"];
  EXPECT_EQ(escalated,
            (std::map<std::string, bool>{{"Ella Escalated", true}, {"Quentin Quick", false}}));
  (void)quick;
}

TEST_F(StaffApiTest, PostsNeedTheCsrfTokenAndTheSameOrigin) {
  auto g = guard();
  auto visit = requestVisit("A-101", "Cyril Csrf");
  const std::string path = "/api/staff/visits/" + visit.toString() + "/decide";
  const auto body = json{{"approve", true}, {"reason", "x"}}.dump();
  auto c = client();
  auto noToken =
      c.Post(path.c_str(), httplib::Headers{{"Cookie", g.cookie}}, body, "application/json");
  ASSERT_TRUE(noToken);
  EXPECT_EQ(noToken->status, 403);
  EXPECT_EQ(json::parse(noToken->body)["error"], "csrf");
  auto wrong = c.Post(path.c_str(), httplib::Headers{{"Cookie", g.cookie}, {"X-CSRF-Token", "x"}},
                      body, "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  auto foreign = c.Post(
      path.c_str(),
      httplib::Headers{
          {"Cookie", g.cookie}, {"X-CSRF-Token", g.csrf}, {"Origin", "https://evil.example"}},
      body, "application/json");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);
  EXPECT_EQ(statusOf(visit), "pending");
}

TEST_F(StaffApiTest, WrongJsonTypesAnswer400WithTheField) {
  auto g = guard();
  auto visit = requestVisit("A-101", "Tina Type");
  const std::string v = "/api/staff/visits/" + visit.toString();
  EXPECT_EQ(postJson(g, v + "/decide", {{"approve", "yes"}, {"reason", "x"}}, 400)["field"],
            "approve");
  EXPECT_EQ(postJson(g, v + "/decide", {{"approve", true}, {"reason", 5}}, 400)["field"], "reason");
  EXPECT_EQ(postJson(g, v + "/decide", {{"approve", true}}, 400)["field"], "reason");
  EXPECT_EQ(postJson(g, "/api/staff/alerts/ack", {{"ids", "1"}}, 400)["field"], "ids");
  EXPECT_EQ(postJson(g, "/api/staff/alerts/ack", {{"ids", {"1"}}}, 400)["field"], "ids");
  EXPECT_EQ(postJson(g, "/api/staff/visits/manual-entry", {{"visit_id", "nope"}}, 400)["field"],
            "visit_id");
  EXPECT_EQ(postJson(g, v + "/manual-exit", {{"reason", json::array()}}, 400)["field"], "reason");
  EXPECT_EQ(getJson(g, "/api/staff/alerts?state=maybe", 400)["field"], "state");
  EXPECT_EQ(getJson(g, "/api/staff/alerts?state=acknowledged&limit=lots", 400)["field"], "limit");
  auto c = client();
  auto notJson = c.Post((v + "/decide").c_str(),
                        httplib::Headers{{"Cookie", g.cookie}, {"X-CSRF-Token", g.csrf}}, "{oops",
                        "application/json");
  ASSERT_TRUE(notJson);
  EXPECT_EQ(notJson->status, 400);
  EXPECT_EQ(json::parse(notJson->body)["error"], "bad_json");
  // An empty reason is the database's to refuse (422), and nothing changes.
  postJson(g, v + "/decide", {{"approve", true}, {"reason", ""}}, 422);
  EXPECT_EQ(statusOf(visit), "pending");
}

TEST_F(StaffApiTest, StreamDeliversAQueueEventWhenAKioskCreatesAVisit) {
  auto g = guard();
  SseReader stream(portal_->port(), g.cookie, "/api/staff/events");
  ASSERT_TRUE(waitUntil([&] { return stream.contains("retry:"); }, 10s));
  auto visit = requestVisit("A-101", "Sam Stream");
  ASSERT_TRUE(waitUntil(
      [&] { return stream.contains("event: queue\ndata: {\"visit_id\":\"" + visit.toString()); },
      10s))
      << stream.text();
  kiosk_->raiseAlert("unknown_badge", visit);
  EXPECT_TRUE(waitUntil([&] { return stream.contains("event: alerts"); }, 10s));
  backend::Heartbeat beat;
  beat.screen = "welcome";
  kiosk_->heartbeat(beat);
  EXPECT_TRUE(waitUntil([&] { return stream.contains("event: kiosks"); }, 10s));
  post(g, "/api/staff/visits/" + visit.toString() + "/decide",
       json{{"approve", true}, {"reason", "ok"}});
  EXPECT_TRUE(waitUntil([&] { return stream.contains(": ping"); }, 10s));  // streamPingSeconds=1
  EXPECT_EQ(stream.status(), 200);
}

TEST_F(StaffApiTest, StreamIsForStaffOfTheEstateOnly) {
  auto resident = signIn("a-101@harbour.example");
  SseReader refused(portal_->port(), resident.cookie, "/api/staff/events");
  EXPECT_TRUE(waitUntil([&] { return refused.done(); }, 10s));
  EXPECT_EQ(refused.status(), 403);
  SseReader signedOut(portal_->port(), "gh_session=nobody", "/api/staff/events");
  EXPECT_TRUE(waitUntil([&] { return signedOut.done(); }, 10s));
  EXPECT_EQ(signedOut.status(), 401);

  auto other = otherEstateGuard();
  auto g = guard();
  SseReader otherStream(portal_->port(), other.cookie, "/api/staff/events");
  SseReader own(portal_->port(), g.cookie, "/api/staff/events");
  ASSERT_TRUE(
      waitUntil([&] { return own.contains("retry:") && otherStream.contains("retry:"); }, 10s));
  auto visit = requestVisit("A-101", "Iris Isolated");
  ASSERT_TRUE(waitUntil([&] { return own.contains(visit.toString()); }, 10s));
  // The other estate's stream is alive (it pings) yet never hears of this visit.
  const auto pings = [&] {
    auto t = otherStream.text();
    std::size_t n = 0;
    for (auto p = t.find(": ping"); p != std::string::npos; p = t.find(": ping", p + 1)) ++n;
    return n;
  };
  const auto before = pings();
  ASSERT_TRUE(waitUntil([&] { return pings() > before; }, 10s));
  EXPECT_FALSE(otherStream.contains(visit.toString()));
}

TEST_F(StaffApiTest, StreamsAreCappedPerSessionAndEndAtSignOut) {
  auto g = guard();
  std::vector<std::unique_ptr<SseReader>> streams;
  for (int i = 0; i < 4; ++i) {
    streams.push_back(std::make_unique<SseReader>(portal_->port(), g.cookie, "/api/staff/events"));
    ASSERT_TRUE(waitUntil([&] { return streams.back()->contains("retry:"); }, 10s));
  }
  // Three per session: the fourth replaced the oldest.
  EXPECT_TRUE(waitUntil([&] { return streams[0]->done(); }, 10s));
  EXPECT_FALSE(streams[3]->done());
  auto out = post(g, "/api/logout", json::object());
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 200) << out->body;
  EXPECT_TRUE(waitUntil([&] { return streams[1]->done() && streams[3]->done(); }, 10s));
}

TEST_F(StaffApiTest, StreamSaysResyncAfterTheServersListenerReconnects) {
  auto g = guard();
  SseReader stream(portal_->port(), g.cookie, "/api/staff/events");
  ASSERT_TRUE(waitUntil([&] { return stream.contains("retry:"); }, 10s));
  // Cut the server's LISTEN connection, as a database restart or a network cut would.
  const auto db = db_.exec("SELECT current_database()");
  ASSERT_TRUE(waitUntil(
      [&] {
        return admin_
                   ->exec(
                       "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity "
                       "WHERE datname = $1 AND usename = 'gatehouse_server' AND query LIKE "
                       "'LISTEN%'",
                       {db})[0]
                   .int64("n") > 0;
      },
      10s));
  EXPECT_TRUE(waitUntil([&] { return stream.contains("event: resync"); }, 20s)) << stream.text();
  // And events flow again afterwards.
  auto visit = requestVisit("A-101", "Rob Resync");
  EXPECT_TRUE(waitUntil([&] { return stream.contains(visit.toString()); }, 20s));
}

}  // namespace
}  // namespace gatehouse::portal::testing
