// End to end: the real kiosk binary, offscreen, driven by scripted touches, against a throwaway
// PostgreSQL (demo estate), the simulated camera and a private CUPS queue. Every run keeps a
// screenshot of each screen under <build>/e2e-kiosk/<test>/screens/.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/connection.hpp"
#include "gatehouse/core/base64url.hpp"
#include "gatehouse/core/document_hash.hpp"
#include "gatehouse/core/pass.hpp"
#include "gatehouse/devices/barcode.hpp"
#include "gatehouse/devices/testing/mrz_corpus.hpp"
#include "gatehouse/devices/testing/private_cups.hpp"
#include "gatehouse/testing/test_database.hpp"
#include "kiosk_harness.hpp"

namespace gatehouse::e2e {
namespace {

using devices::testing::PrivateCups;
using devices::testing::RawPrinterListener;
using gatehouse::testing::TestDatabase;
using gatehouse::testing::waitUntil;
using namespace std::chrono_literals;

const char* kWalkIn = R"(wait-screen welcome 60
tap welcome.walk_in
wait-screen find_resident
type a-101
tap unit.A-101
wait-screen visitor_details
type olga smirnova
tap details.phone
type 7900555
tap purpose.guest
tap details.next
wait-screen photo
wait-frames 15
tap photo.take
wait-screen photo_review
)";

// Decides a visit the way the resident of its unit would (through gh.decide_visit).
void residentDecides(const std::string& url, const std::string& visit, bool approve) {
  backend::Connection c(url);
  c.exec(
      "SELECT set_config('gatehouse.person_id', (SELECT p.id::text FROM gh.person p JOIN gh.visit "
      "v ON v.unit_id = p.unit_id "
      "WHERE v.id = $1::uuid AND p.role = 'resident' ORDER BY p.id LIMIT 1), false)",
      {visit});
  c.exec("SELECT gh.decide_visit($1::uuid, $2::boolean)", {visit, approve});
}

std::string one(const std::string& url, const std::string& sql, backend::Params params = {}) {
  backend::Connection c(url);
  auto rows = c.exec(sql, params);
  return rows.empty() ? std::string() : rows[0].text(0);
}

std::string waitForPendingVisit(const std::string& url) {
  std::string id;
  waitUntil(
      [&] {
        id = one(url,
                 "SELECT id::text FROM gh.visit WHERE status = 'pending' ORDER BY requested_at "
                 "DESC LIMIT 1");
        return !id.empty();
      },
      90s);
  return id;
}

// Events in the kiosk's outbox not yet accepted by the database (pending or refused).
int unsentEvents(const std::filesystem::path& outbox) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(outbox.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return -1;
  sqlite3_stmt* st = nullptr;
  int n = -1;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM outbox WHERE state <> 'sent'", -1, &st,
                         nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    n = sqlite3_column_int(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

// Every payload in the kiosk's outbox, sent or not, one after another.
std::string outboxPayloads(const std::filesystem::path& outbox) {
  sqlite3* db = nullptr;
  std::string all;
  if (sqlite3_open_v2(outbox.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return all;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT kind || ' ' || payload FROM outbox ORDER BY seq", -1, &st,
                         nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW)
      all += reinterpret_cast<const char*>(sqlite3_column_text(st, 0)) + std::string("\n");
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return all;
}

class KioskEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = PrivateCups::start();
    ASSERT_TRUE(c) << c.error().message;
    cups_ = std::move(c).value().release();
  }
  static void TearDownTestSuite() {
    delete cups_;
    cups_ = nullptr;
  }
  void SetUp() override {
    // A failed suite set-up would otherwise be reported as a skip.
    ASSERT_NE(cups_, nullptr) << "the private cupsd did not start (see SetUpTestSuite)";
    db_ = std::make_unique<TestDatabase>();
    backend::Connection c(db_->url());
    seedDemoKeepingKeys(c);
  }
  KioskSetup setup(const std::string& printer = "simulated") {
    KioskSetup s;
    s.databaseUrl = db_->urlAs("gatehouse_kiosk");
    s.printer = printer;
    s.cupsServer = cups_->server();
    return s;
  }
  // The camera plays `footage` (its document frames already written), then the three check-in
  // frames with a face, for the photo.
  KioskSetup cameraSetupWithFaceAfter(const std::filesystem::path& footage) {
    for (int i = 0; i < 3; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "frame_%03d.jpg", i);
      std::filesystem::copy_file(std::filesystem::path(sourceDir()) / "assets/sim/checkin" / name,
                                 footage / ("frame_9" + std::string(name + 7)));
    }
    KioskSetup s = setup();
    s.scanner = "camera";
    s.cameraSource = footage.string();
    return s;
  }
  std::string passText(const std::string& sqlValidity, int maxUses = 1, bool revoked = false) {
    return makePass(db_->url(), sqlValidity, maxUses, revoked);
  }
  std::string count(const std::string& sql, backend::Params params = {}) {
    return one(db_->url(), sql, std::move(params));
  }

  static PrivateCups* cups_;
  std::unique_ptr<TestDatabase> db_;
};
PrivateCups* KioskEndToEnd::cups_ = nullptr;

TEST_F(KioskEndToEnd, WalkInApprovedByResidentPrintsBadgeWhoseQrIsTheExitTokenThenExitIsRecorded) {
  RawPrinterListener printer;
  ASSERT_TRUE(cups_->addQueue("badges_ok", printer.uri()));
  Kiosk k("walk_in_approved", setup("cups:badges_ok"));
  k.start(std::string(kWalkIn) +
              "tap review.use\nwait-screen awaiting_approval 30\nscreenshot waiting\n"
              "wait-screen done 90\ntap outcome.finish\nwait-screen welcome\n",
          "checkin");
  const std::string visit = waitForPendingVisit(db_->url());
  ASSERT_FALSE(visit.empty()) << k.log();
  residentDecides(db_->url(), visit, true);
  ASSERT_EQ(k.wait(), 0) << k.log();

  // The printed PDF carries the exit token of this visit, whose hash the database keeps.
  ASSERT_TRUE(printer.waitForJobs(1));
  const auto codes = qrCodesInPdf(printer.jobs().at(0), k.dir() / "qr");
  ASSERT_EQ(codes.size(), 1u);
  auto token = parseExitToken(codes[0]);
  ASSERT_TRUE(token) << codes[0];
  EXPECT_EQ(token->visitId.toString(), visit);
  EXPECT_EQ(count("SELECT exit_token_hash FROM gh.visit WHERE id = $1::uuid", {visit}),
            token->secretHashHex());
  EXPECT_EQ(count("SELECT status::text FROM gh.visit WHERE id = $1::uuid", {visit}), "checked_in");
  EXPECT_FALSE(count("SELECT current_screen FROM gh.kiosk WHERE id = 1").empty());  // heartbeat

  // The visitor leaves: the badge's QR is shown to the kiosk after a restart.
  writeFile(k.file("badge.txt"), codes[0]);
  k.start("wait-screen welcome 60\ntap welcome.exit\nwait-screen scan_badge\nscan @" +
              k.file("badge.txt").string() +
              "\nwait-screen exit_photo\nwait-frames 15\ntap photo.take\nwait-screen exit_done 60\n"
              "tap outcome.finish\nwait-screen welcome\n",
          "exit");
  ASSERT_EQ(k.wait(), 0) << k.log();
  EXPECT_EQ(count("SELECT status::text FROM gh.visit WHERE id = $1::uuid", {visit}), "checked_out");
  EXPECT_EQ(
      count("SELECT count(*) FROM gh.evidence WHERE visit_id = $1::uuid AND kind = 'entry_photo'",
            {visit}),
      "1");
  EXPECT_EQ(
      count("SELECT count(*) FROM gh.evidence WHERE visit_id = $1::uuid AND kind = 'exit_photo'",
            {visit}),
      "1");
  EXPECT_EQ(count("SELECT count(*) FROM gh.visit"), "1");
}

// A passport held to the camera fills "About you": the simulated camera plays generated frames
// of a TD3 data page (held at slightly different angles); no name is typed.
TEST_F(KioskEndToEnd, PassportShownToTheCameraFillsAboutYou) {
  const auto footage = std::filesystem::path(KIOSK_BINARY_DIR) / "e2e-kiosk" / "mrz-footage";
  std::filesystem::remove_all(footage);
  std::filesystem::create_directories(footage);
  auto cases = gatehouse::devices::testing::mrzCorpus();
  const auto passport = cases.front();  // ERIKSSON ANNA MARIA, TD3, steady
  for (int i = 0; i < 12; ++i) {
    auto c = passport;
    c.id += "-" + std::to_string(i);  // another seed: other noise and placement
    c.distortion.rotateDeg = -3 + i % 6;
    char name[32];
    std::snprintf(name, sizeof name, "frame_%03d.jpg", i);
    ASSERT_TRUE(cv::imwrite((footage / name).string(),
                            gatehouse::devices::testing::renderCase(c, {1280, 720})));
  }
  // Then the visitor looks into the camera: the photo needs a face (the passport frames have none).
  auto s = cameraSetupWithFaceAfter(footage);
  Kiosk k("passport_mrz", s);
  k.start(
      "wait-screen welcome 60\ntap welcome.walk_in\nwait-screen find_resident\ntype a-101\n"
      "tap unit.A-101\nwait-screen visitor_details\nwait-id 120\nwait-frames 3\n"
      "screenshot about_you\n"
      // The card of the read, as drawn: kind, number masked but its last 3, nationality, dates.
      "expect-text Anna Maria Eriksson\nexpect-text Passport\nexpect-text No. •••••2C3\n"
      "expect-text Nationality UTO\nexpect-text Born 12 Aug 1974\n"
      "expect-text Expires 15 Apr 2034\nexpect-no-text L898902C3\nexpect-no-text expired\n"
      "tap details.phone\ntype 7900555\nexpect-text •••••2C3\ntap purpose.guest\n"
      "tap details.next\n"
      "wait-screen photo\nwait-frames 15\ntap photo.take\nwait-screen photo_review\n"
      "tap review.use\nwait-screen awaiting_approval 30\n",
      "run");
  const std::string visit = waitForPendingVisit(db_->url());
  ASSERT_FALSE(visit.empty()) << k.log();
  EXPECT_EQ(count("SELECT p.full_name || '|' || p.document_type FROM gh.visit v JOIN gh.visitor p "
                  "ON p.id = v.visitor_id WHERE v.id = $1::uuid",
                  {visit}),
            "Anna Maria Eriksson|mrz");  // the kiosk shows names in title case
  // Only the keyed hash of the number leaves the kiosk, never the number itself.
  EXPECT_EQ(count("SELECT count(*) FROM gh.visitor WHERE document_hash LIKE '%L898902C3%'"), "0");
  EXPECT_EQ(count("SELECT p.document_hash FROM gh.visit v JOIN gh.visitor p ON p.id = "
                  "v.visitor_id WHERE v.id = $1::uuid",
                  {visit}),
            documentHash(kTestDocumentPepper, "L898902C3"));  // keyed with the estate's pepper
  // What the card showed stayed on the kiosk: not in what it sent, nor in what it keeps.
  const std::string sent = outboxPayloads(k.file("outbox.sqlite"));
  EXPECT_NE(sent.find("request_visit"), std::string::npos) << "the outbox was not read";
  for (const char* shown : {"UTO", "2C3", "1974-08-12", "2034-04-15", "passport", "nationality"})
    EXPECT_EQ(sent.find(shown), std::string::npos) << shown;
  k.stop();
}

// An AAMVA licence in front of the camera (PDF417): the card says where it was issued and that it
// expired; the visitor goes on, and typing a name of their own takes the card away.
TEST_F(KioskEndToEnd, ExpiredLicenceShownToTheCameraIsSaidSoAndATypedNameTakesTheCardAway) {
  const auto footage = std::filesystem::path(KIOSK_BINARY_DIR) / "e2e-kiosk" / "licence-footage";
  std::filesystem::remove_all(footage);
  std::filesystem::create_directories(footage);
  const std::string licence =
      "@\n\x1e\rANSI 636014080102DL00410288ZC03290024DLDAQD1234562\nDCSSAMPLE\nDDEN\nDACJANE\n"
      "DBB19700101\nDBA20200101\nDAJCA\nDCGUSA\n\r";
  auto code = devices::encodeCode(devices::CodeFormat::pdf417, licence, 3, 3);
  ASSERT_TRUE(code) << code.error().message;
  cv::Mat frame(720, 1280, CV_8UC3, cv::Scalar(90, 90, 90));
  cv::Mat card(code->rows + 80, code->cols + 80, CV_8UC1, cv::Scalar(235));
  code.value().copyTo(card(cv::Rect(40, 40, code->cols, code->rows)));
  cv::Mat cardBgr;
  cv::cvtColor(card, cardBgr, cv::COLOR_GRAY2BGR);
  ASSERT_LE(cardBgr.cols, frame.cols);
  ASSERT_LE(cardBgr.rows, frame.rows);
  cardBgr.copyTo(frame(cv::Rect((frame.cols - cardBgr.cols) / 2, (frame.rows - cardBgr.rows) / 2,
                                cardBgr.cols, cardBgr.rows)));
  for (int i = 0; i < 6; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "frame_%03d.jpg", i);
    ASSERT_TRUE(cv::imwrite((footage / name).string(), frame));
  }
  auto s = cameraSetupWithFaceAfter(footage);  // then the visitor's face for the photo
  Kiosk k("licence_card", s);
  k.start(
      "wait-screen welcome 60\ntap welcome.walk_in\nwait-screen find_resident\ntype a-101\n"
      "tap unit.A-101\nwait-screen visitor_details\nwait-id 120\nwait-frames 3\n"
      "screenshot licence_card\nexpect-text Jane Sample\nexpect-text Driving licence\n"
      "expect-text No. •••••562\nexpect-text Issued in CA, USA\nexpect-text Born 1 Jan 1970\n"
      "expect-text This document expired on 1 Jan 2020 — a guard may ask for another ID.\n"
      "expect-no-text D1234562\n"
      "tap details.name\ntype jean public\nwait-frames 3\nscreenshot typed_over\n"
      "expect-no-text •••••562\nexpect-no-text This document expired\n"
      "tap purpose.guest\ntap details.next\nwait-screen photo\nwait-frames 15\n"
      "tap photo.take\nwait-screen photo_review\ntap review.use\n"
      "wait-screen awaiting_approval 30\n",
      "run");
  const std::string visit = waitForPendingVisit(db_->url());
  ASSERT_FALSE(visit.empty()) << k.log();
  // The typed name goes with the visit; the licence that was read stays with it (decision 0860).
  EXPECT_EQ(count("SELECT p.full_name || '|' || p.document_type || '|' || p.document_hash FROM "
                  "gh.visit v JOIN gh.visitor p ON p.id = v.visitor_id WHERE v.id = $1::uuid",
                  {visit}),
            "Jean Public|aamva|" + documentHash(kTestDocumentPepper, "636014:D1234562"));
  const std::string sent = outboxPayloads(k.file("outbox.sqlite"));
  for (const char* shown : {"CA, USA", "562\"", "1970-01-01", "2020-01-01", "driving_licence"})
    EXPECT_EQ(sent.find(shown), std::string::npos) << shown;
  k.stop();
}

TEST_F(KioskEndToEnd, WalkInDeniedGetsAPoliteMessage) {
  Kiosk k("walk_in_denied", setup());
  k.start(std::string(kWalkIn) +
              "tap review.use\nwait-screen awaiting_approval 30\nwait-screen denied 90\n"
              "expect-reason denied\ntap outcome.finish\nwait-screen welcome\n",
          "run");
  const std::string visit = waitForPendingVisit(db_->url());
  ASSERT_FALSE(visit.empty()) << k.log();
  residentDecides(db_->url(), visit, false);
  ASSERT_EQ(k.wait(), 0) << k.log();
  EXPECT_EQ(count("SELECT status::text FROM gh.visit WHERE id = $1::uuid", {visit}), "denied");
  EXPECT_EQ(count("SELECT count(*) FROM gh.evidence WHERE visit_id = $1::uuid", {visit}), "1");
}

TEST_F(KioskEndToEnd, ApprovalTimeoutAlertsTheGuardAndTellsTheVisitor) {
  KioskSetup s = setup();
  s.approvalSeconds = 2;
  Kiosk k("approval_timeout", s);
  k.start(
      std::string(kWalkIn) +
          "tap review.use\nwait-screen awaiting_guard 60\nwait-frames 5\nscreenshot guard-called\n"
          "tap guard.pin\ntype 111111\ntap guard.pin_ok\nwait-frames 5\nscreenshot wrong-pin\n"
          "tap waiting.cancel\nwait-screen welcome\n",
      "run");
  ASSERT_EQ(k.wait(), 0) << k.log();
  const std::string visit = count("SELECT id::text FROM gh.visit");
  ASSERT_FALSE(visit.empty());
  EXPECT_TRUE(waitUntil(
      [&] {
        return count(
                   "SELECT count(*) FROM gh.alert WHERE kind = 'approval_timeout' AND visit_id = "
                   "$1::uuid",
                   {visit}) == "1";
      },
      20s));
  EXPECT_EQ(count("SELECT status::text FROM gh.visit WHERE id = $1::uuid", {visit}), "cancelled");
}

// Issue 9: a PIN typed at an online kiosk is checked by the server (wrong ones counted there)
// and the approval is recorded as online.
TEST_F(KioskEndToEnd, AGuardPinTypedOnlineIsCheckedByTheServerAndRecordedAsOnline) {
  KioskSetup s = setup();
  s.approvalSeconds = 2;
  Kiosk k("guard_pin_online", s);
  k.start(std::string(kWalkIn) +
              "tap review.use\nwait-screen awaiting_guard 60\n"
              "tap guard.pin\ntype 000000\ntap guard.pin_ok\nwait-frames 5\nexpect-layout\n"
              "type 246813\nwait-frames 2\nexpect-layout\nscreenshot guard-pin-six-digits\n"
              "tap guard.pin_ok\n"
              "wait-screen done 120\ntap outcome.finish\nwait-screen welcome\n",
          "run");
  ASSERT_EQ(k.wait(), 0) << k.log();
  const std::string visit = count("SELECT id::text FROM gh.visit");
  ASSERT_FALSE(visit.empty());
  EXPECT_TRUE(waitUntil(
      [&] {
        return count("SELECT coalesce(pin_mode, '') FROM gh.visit WHERE id = $1::uuid", {visit}) ==
               "online";
      },
      30s));
  EXPECT_EQ(count("SELECT decision_channel::text FROM gh.visit WHERE id = $1::uuid", {visit}),
            "guard_pin");
  EXPECT_EQ(count("SELECT count(*) FROM gh.kiosk_pin_check WHERE NOT ok"), "1");
  EXPECT_EQ(
      count("SELECT count(*) FROM gh.kiosk_pin_check WHERE ok AND visit_id = $1::uuid", {visit}),
      "1");
  EXPECT_EQ(count("SELECT count(*) FROM gh.alert WHERE kind = 'offline_pin_approval'"), "0");
}

TEST_F(KioskEndToEnd, PassesValidForgedExpiredRevokedAndUsedTwice) {
  Kiosk k("passes", setup());
  const std::string valid = passText("now() - interval '1 hour', now() + interval '1 day'");
  const std::string expired = passText("now() - interval '2 days', now() - interval '1 day'");
  const std::string revoked =
      passText("now() - interval '1 hour', now() + interval '1 day'", 1, true);
  // Forged: a pass that looks right but is signed with a key the estate never had.
  InvitationPass f;
  f.estateId = 1;
  f.keyId = 1;
  f.invitationId = Uuid::random();
  f.validFrom = std::time(nullptr) - 3600;
  f.validUntil = std::time(nullptr) + 3600;
  f.guestName = "Mallory";
  f.unitLabel = "A-101";
  const std::string forged = encodePass(f, KeyPair::generate().secretKey);
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
           {"valid", valid}, {"expired", expired}, {"revoked", revoked}, {"forged", forged}}) {
    writeFile(k.file(name + ".txt"), text);
  }
  auto rejected = [&](const std::string& name, const std::string& reason) {
    return "tap welcome.pass\nwait-screen scan_pass\nscan @" + k.file(name + ".txt").string() +
           "\nwait-screen pass_rejected 30\nexpect-reason " + reason + "\nscreenshot rejected-" +
           reason + "\ntap outcome.finish\nwait-screen welcome\n";
  };
  k.start("wait-screen welcome 60\nwait-cache\ntap welcome.pass\nwait-screen scan_pass\nscan @" +
              k.file("valid.txt").string() +
              "\nwait-screen photo 30\nwait-frames 15\ntap photo.take\nwait-screen "
              "photo_review\ntap review.use\n"
              "wait-screen done 60\ntap outcome.finish\nwait-screen welcome\n" +
              rejected("forged", "forged") + rejected("expired", "expired") +
              rejected("revoked", "revoked") + rejected("valid", "used_up"),
          "run");
  ASSERT_EQ(k.wait(), 0) << k.log();
  EXPECT_EQ(count("SELECT count(*) FROM gh.visit WHERE status = 'checked_in'"), "1");
  EXPECT_EQ(count("SELECT count(*) FROM gh.visit"), "1");  // the refused passes made no visit
  EXPECT_EQ(
      count("SELECT uses FROM gh.invitation WHERE revoked_at IS NULL AND valid_until > now()"),
      "1");
  EXPECT_EQ(count("SELECT count(*) FROM gh.alert WHERE kind = 'forged_pass'"), "1");
}

TEST_F(KioskEndToEnd, PrinterOutOfPaperShowsANextStepAndAlertsTheGuard) {
  ASSERT_TRUE(cups_->addQueue("badges_empty", "gatehouse-sim://media-empty"));
  Kiosk k("printer_out_of_paper", setup("cups:badges_empty"));
  writeFile(k.file("valid.txt"), passText("now() - interval '1 hour', now() + interval '1 day'"));
  k.start("wait-screen welcome 60\nwait-cache\ntap welcome.pass\nwait-screen scan_pass\nscan @" +
              k.file("valid.txt").string() +
              "\nwait-screen photo 30\nwait-frames 15\ntap photo.take\nwait-screen "
              "photo_review\ntap review.use\n"
              "wait-screen device_problem 90\nexpect-reason out_of_paper\nwait-frames "
              "5\nscreenshot out-of-paper\n"
              "tap fault.finish\nwait-screen welcome\n",
          "run");
  ASSERT_EQ(k.wait(), 0) << k.log();
  EXPECT_TRUE(waitUntil(
      [&] { return count("SELECT count(*) FROM gh.alert WHERE kind = 'printer_fault'") == "1"; },
      20s));
  EXPECT_NE(
      count("SELECT details::text FROM gh.alert WHERE kind = 'printer_fault'").find("out_of_paper"),
      std::string::npos);
}

TEST_F(KioskEndToEnd, DatabaseStoppedDuringAVisitThenBackGivesOneVisitWithEveryEventOnce) {
  PrivateCluster pg;
  KioskSetup s = setup();
  s.databaseUrl = pg.url("gatehouse", "gatehouse_kiosk");
  Kiosk k("database_outage", s);
  k.start(std::string(kWalkIn) + "wait-file " + k.flagPath("db-stopped") +
              " 120\ntap review.use\nwait-screen awaiting_guard 30\n"
              "wait-screen approved|printing_badge|done 180\nwait-screen done 60\ntap "
              "outcome.finish\nwait-screen welcome\n",
          "run");
  ASSERT_TRUE(k.waitScreen("photo_review", 120s)) << k.log();
  ASSERT_TRUE(pg.stop());
  ASSERT_TRUE(waitUntil([&] { return k.status() == "photo_review offline"; }, 30s)) << k.status();
  k.release("db-stopped");
  ASSERT_TRUE(k.waitScreen("awaiting_guard", 60s)) << k.log();
  ASSERT_TRUE(pg.start());
  const std::string db = pg.url("gatehouse");
  const std::string visit = waitForPendingVisit(db);
  ASSERT_FALSE(visit.empty()) << k.log();
  residentDecides(db, visit, true);
  ASSERT_EQ(k.wait(), 0) << k.log();
  EXPECT_EQ(one(db, "SELECT count(*) FROM gh.visit"), "1");
  EXPECT_EQ(one(db, "SELECT status::text FROM gh.visit WHERE id = $1::uuid", {visit}),
            "checked_in");
  EXPECT_EQ(one(db, "SELECT count(*) FROM gh.evidence WHERE visit_id = $1::uuid", {visit}), "1");
  EXPECT_EQ(
      one(db, "SELECT count(*) FROM gh.alert WHERE visit_id = $1::uuid AND kind = 'help_requested'",
          {visit}),
      "1");
  EXPECT_EQ(unsentEvents(k.file("outbox.sqlite")), 0);
}

TEST_F(KioskEndToEnd, OfflinePassIsHonouredAndExitRecordedThenBothSyncWhenTheDatabaseIsBack) {
  PrivateCluster pg;
  KioskSetup s = setup();
  s.databaseUrl = pg.url("gatehouse", "gatehouse_kiosk");
  Kiosk k("offline_pass_and_exit", s);
  writeFile(k.file("pass.txt"),
            makePass(pg.url("gatehouse"), "now() - interval '1 hour', now() + interval '1 day'"));
  k.start("wait-screen welcome 60\nwait-cache\nwait-file " + k.flagPath("db-stopped") +
              " 120\ntap welcome.pass\nwait-screen scan_pass\nscan @" +
              k.file("pass.txt").string() +
              "\nwait-screen photo 30\nwait-frames 15\ntap photo.take\nwait-screen "
              "photo_review\ntap review.use\n"
              "wait-screen done 60\ntap outcome.finish\nwait-screen welcome\n"
              "tap welcome.exit\nwait-screen scan_badge\nscan-badge\nwait-screen "
              "exit_photo\nwait-frames 15\n"
              "tap photo.take\nwait-screen exit_done 30\nscreenshot exit-recorded-offline\ntap "
              "outcome.finish\n"
              "wait-screen welcome\nprint offline-part-done\nwait-synced 120\n",
          "run");
  ASSERT_TRUE(waitUntil([&] { return k.status() == "welcome online"; }, 60s)) << k.log();
  ASSERT_TRUE(pg.stop());
  ASSERT_TRUE(waitUntil([&] { return k.status() == "welcome offline"; }, 30s)) << k.status();
  k.release("db-stopped");
  ASSERT_TRUE(waitUntil(
      [&] { return readFile(k.file("run.out")).find("offline-part-done") != std::string::npos; },
      120s))
      << k.log();
  const std::string db = pg.url("gatehouse");
  ASSERT_TRUE(pg.start());
  ASSERT_EQ(k.wait(), 0) << k.log();
  const std::string visit = one(db, "SELECT id::text FROM gh.visit");
  ASSERT_FALSE(visit.empty());
  EXPECT_EQ(one(db, "SELECT count(*) FROM gh.visit"), "1");
  EXPECT_EQ(one(db, "SELECT status::text FROM gh.visit WHERE id = $1::uuid", {visit}),
            "checked_out");
  EXPECT_EQ(
      one(db, "SELECT count(*) FROM gh.evidence WHERE visit_id = $1::uuid AND kind = 'entry_photo'",
          {visit}),
      "1");
  EXPECT_EQ(
      one(db, "SELECT count(*) FROM gh.evidence WHERE visit_id = $1::uuid AND kind = 'exit_photo'",
          {visit}),
      "1");
  EXPECT_EQ(one(db, "SELECT sum(uses) FROM gh.invitation"), "1");
  EXPECT_EQ(unsentEvents(k.file("outbox.sqlite")), 0);
}

TEST_F(KioskEndToEnd, KilledMidVisitLosesNothingAndLeavesNoHalfMadeVisit) {
  Kiosk k("killed_mid_visit", setup());
  k.start(std::string(kWalkIn) + "tap review.use\nwait-screen awaiting_approval 30\nwait-file " +
              k.flagPath("never") + " 300\n",
          "before");
  const std::string visit = waitForPendingVisit(db_->url());
  ASSERT_FALSE(visit.empty()) << k.log();
  ASSERT_TRUE(waitUntil(
      [&] {
        return count("SELECT count(*) FROM gh.evidence WHERE visit_id = $1::uuid", {visit}) == "1";
      },
      30s));
  k.kill9();  // power cut
  k.start("wait-screen welcome 60\nwait-frames 30\n", "after");
  ASSERT_EQ(k.wait(), 0) << k.log();
  EXPECT_TRUE(waitUntil(
      [&] {
        return count("SELECT status::text FROM gh.visit WHERE id = $1::uuid", {visit}) ==
               "cancelled";
      },
      30s))
      << k.log();
  EXPECT_EQ(count("SELECT count(*) FROM gh.visit"), "1");
  EXPECT_EQ(count("SELECT count(*) FROM gh.evidence WHERE visit_id = $1::uuid", {visit}), "1");
  EXPECT_EQ(unsentEvents(k.file("outbox.sqlite")), 0);
}

}  // namespace
}  // namespace gatehouse::e2e
