// End to end: no visitor gets stuck. The real kiosk binary offscreen against a throwaway database:
// a photo with no face is refused and, the third time, handed to a guard with that photo; "Call a
// guard" from three screens; "I lost my badge" at exit; the camera missing or frozen.
#include <gtest/gtest.h>

#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/testing/test_database.hpp"
#include "kiosk_harness.hpp"

namespace gatehouse::e2e {
namespace {

using gatehouse::testing::TestDatabase;
using gatehouse::testing::waitUntil;
using namespace std::chrono_literals;

// To the photo screen as a walk-in visiting A-101.
const char* kToPhoto = R"(wait-screen welcome 60
tap welcome.walk_in
wait-screen find_resident
type a-101
tap unit.A-101
wait-screen visitor_details
type olga smirnova
tap purpose.guest
tap details.next
wait-screen photo
wait-frames 15
)";

class KioskHelp : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>();
    backend::Connection c(db_->url());
    seedDemoKeepingKeys(c);
  }
  KioskSetup setup() {
    KioskSetup s;
    s.databaseUrl = db_->urlAs("gatehouse_kiosk");
    return s;
  }
  std::string one(const std::string& sql, backend::Params params = {}) {
    backend::Connection c(db_->url());
    auto rows = c.exec(sql, params);
    return rows.empty() || rows[0].isNull(0) ? std::string() : rows[0].text(0);
  }
  bool waitForAlerts(const std::string& kind, int n) {
    return waitUntil(
        [&] {
          return one("SELECT count(*) FROM gh.alert WHERE kind = $1", {kind}) == std::to_string(n);
        },
        30s);
  }
  std::unique_ptr<TestDatabase> db_;
};

// Bright, sharp frames of a wall: nothing the face detector could take for a face.
std::filesystem::path facelessFootage() {
  const auto dir = std::filesystem::path(binaryDir()) / "e2e-kiosk" / "faceless-footage";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (int i = 0; i < 6; ++i) {
    cv::Mat wall(720, 1280, CV_8UC3, cv::Scalar(170, 180, 190));
    for (int x = 0; x < wall.cols; x += 80)
      cv::rectangle(wall, {x + i, 0}, {x + i + 40, wall.rows}, cv::Scalar(120, 130, 140), -1);
    char name[32];
    std::snprintf(name, sizeof name, "frame_%03d.jpg", i);
    cv::imwrite((dir / name).string(), wall);
  }
  return dir;
}

TEST_F(KioskHelp, AFacelessPhotoIsRefusedThreeTimesThenHandedToAGuardWithThePhoto) {
  KioskSetup s = setup();
  s.cameraSource = facelessFootage().string();
  Kiosk k("faceless_photo", s);
  const std::string refused =
      "tap photo.take\nwait-screen photo_review\nexpect-disabled review.use\n"
      "wait-frames 3\nexpect-layout\n";
  k.start(std::string(kToPhoto) + refused + "screenshot refused-1\ntap review.retake\n" +
              "wait-screen photo\nwait-frames 5\n" + refused + "tap review.retake\n" +
              "wait-screen photo\nwait-frames 5\ntap photo.take\nwait-screen guard_help 30\n" +
              "expect-reason face_not_found\nwait-frames 3\nexpect-layout\n"
              "screenshot guard-help\nwait-synced 60\n",
          "run");
  ASSERT_EQ(k.wait(), 0) << k.log();
  ASSERT_TRUE(waitForAlerts("face_not_found", 1));
  // The guard sees the last photo: a JPEG of the visitor, in the alert itself.
  EXPECT_EQ(one("SELECT substring(photo_jpeg FROM 1 FOR 3) = '\\xffd8ff'::bytea "
                "FROM gh.alert WHERE kind = 'face_not_found'"),
            "t");
  EXPECT_GT(std::stoll(one("SELECT length(photo_jpeg) FROM gh.alert WHERE kind = "
                           "'face_not_found'")),
            1000);
  EXPECT_EQ(one("SELECT details->>'tries' FROM gh.alert WHERE kind = 'face_not_found'"), "3");
  EXPECT_EQ(one("SELECT kiosk_id::text FROM gh.alert WHERE kind = 'face_not_found'"), "1");
  // No faceless photo went to the resident: no visit was requested.
  EXPECT_EQ(one("SELECT count(*) FROM gh.visit"), "0");
}

TEST_F(KioskHelp, CallAGuardFromThreeScreensAlertsWithTheScreenAndThePhoto) {
  Kiosk k("call_guard", setup());
  writeFile(k.file("junk.txt"), "not a pass at all");
  k.start(
      // 1. Welcome.
      "wait-screen welcome 60\ntap guard.call\nwait-frames 3\nexpect-layout\n"
      "screenshot welcome-called\n"
      // 2. The photo review: the alert carries the photo just taken.
      "tap welcome.walk_in\n" +
          std::string(kToPhoto).substr(
              std::string("wait-screen welcome 60\ntap welcome.walk_in\n").size()) +
          "tap photo.take\nwait-screen photo_review\ntap guard.call\nwait-frames 3\n"
          "expect-layout\nscreenshot review-called\ntap review.retake\nwait-screen photo\n"
          "tap nav.back\nwait-screen visitor_details\ntap nav.back\nwait-screen find_resident\n"
          "tap nav.back\nwait-screen welcome\n"
          // 3. A refused pass: the screen offers the call itself.
          "tap welcome.pass\nwait-screen scan_pass\nscan @" +
          k.file("junk.txt").string() +
          "\nwait-screen pass_rejected 30\ntap outcome.call_guard\nwait-frames 3\n"
          "expect-layout\nscreenshot pass-rejected-called\ntap outcome.finish\n"
          "wait-screen welcome\nwait-synced 60\n",
      "run");
  ASSERT_EQ(k.wait(), 0) << k.log();
  ASSERT_TRUE(waitForAlerts("guard_called", 3));
  EXPECT_EQ(one("SELECT string_agg(details->>'screen', ',' ORDER BY id) FROM gh.alert "
                "WHERE kind = 'guard_called'"),
            "welcome,photo_review,pass_rejected");
  EXPECT_EQ(one("SELECT string_agg((photo_jpeg IS NOT NULL)::text, ',' ORDER BY id) FROM gh.alert "
                "WHERE kind = 'guard_called'"),
            "false,true,false");
  EXPECT_EQ(one("SELECT count(DISTINCT kiosk_id) FROM gh.alert WHERE kind = 'guard_called'"), "1");
}

TEST_F(KioskHelp, ILostMyBadgeAtExitCallsAGuard) {
  Kiosk k("lost_badge", setup());
  k.start(
      "wait-screen welcome 60\ntap welcome.exit\nwait-screen scan_badge\nexpect-layout\n"
      "tap scan.lost_badge\nwait-screen guard_help 30\nexpect-reason lost_badge\n"
      "wait-frames 3\nexpect-layout\nscreenshot lost-badge\ntap guard_help.finish\n"
      "wait-screen welcome\nwait-synced 60\n",
      "run");
  ASSERT_EQ(k.wait(), 0) << k.log();
  ASSERT_TRUE(waitForAlerts("lost_badge", 1));
  EXPECT_EQ(one("SELECT details->>'screen' FROM gh.alert WHERE kind = 'lost_badge'"), "scan_badge");
}

TEST_F(KioskHelp, TheCameraMissingOnThePassScreenShowsANextStepAndAlertsTheGuard) {
  Kiosk k("camera_missing", setup());
  k.start(
      "wait-screen welcome 60\ncamera-sim unplug\nwait-frames 30\ntap welcome.pass\n"
      "wait-screen device_problem 30\nexpect-reason camera_missing\nwait-frames 3\n"
      "expect-layout\nscreenshot no-camera\n"
      // Plugged back: Retry returns to the pass screen, whose preview plays again.
      "camera-sim none\nwait-frames 150\ntap fault.retry\nwait-screen scan_pass 30\n"
      "wait-frames 30\nscreenshot camera-back\ntap nav.back\nwait-screen welcome\n"
      "wait-synced 60\n",
      "run");
  ASSERT_EQ(k.wait(), 0) << k.log();
  ASSERT_TRUE(waitForAlerts("scanner_fault", 1));
  EXPECT_EQ(one("SELECT details->>'fault' || ' ' || (details->>'screen') FROM gh.alert "
                "WHERE kind = 'scanner_fault'"),
            "camera_missing scan_pass");
}

TEST_F(KioskHelp, AFrozenCameraOnThePhotoScreenShowsAFaultAndRetryWorksOnceItIsBack) {
  Kiosk k("camera_frozen", setup());
  k.start(std::string(kToPhoto) +
              "camera-sim freeze\nwait-screen device_problem 30\nexpect-reason camera_frozen\n"
              "wait-frames 3\nexpect-layout\nscreenshot frozen\ncamera-sim none\n"
              "tap fault.retry\nwait-screen photo 30\nwait-frames 15\ntap photo.take\n"
              "wait-screen photo_review 30\nwait-synced 60\n",
          "run");
  ASSERT_EQ(k.wait(), 0) << k.log();
  ASSERT_TRUE(waitForAlerts("camera_fault", 1));
  EXPECT_EQ(one("SELECT details->>'fault' || ' ' || (details->>'screen') FROM gh.alert "
                "WHERE kind = 'camera_fault'"),
            "camera_frozen photo");
}

TEST_F(KioskHelp, EachScreenSpeaksItsPromptInTheVisitorsLanguage) {
  KioskSetup s = setup();
  s.extraToml = "spoken_prompts = true\n";  // lands in [ui], the harness's last table
  Kiosk k("spoken_prompts", s);
  k.start(
      "wait-screen welcome 60\nexpect-spoken Welcome\ntap welcome.lang.ru\ntap welcome.pass\n"
      "wait-screen scan_pass\nwait-frames 3\nexpect-spoken Поднесите пропуск\ntap nav.back\n"
      "wait-screen welcome\nwait-frames 3\nexpect-spoken Welcome\n",
      "run");
  ASSERT_EQ(k.wait(), 0) << k.log();
}

}  // namespace
}  // namespace gatehouse::e2e
