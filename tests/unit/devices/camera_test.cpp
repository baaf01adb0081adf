// Cameras: simulated footage at the configured rate, slow consumers dropping frames without
// stalling capture, unplug/replug recovery, the demo footage's content, photo quality checks.
#include "gatehouse/devices/camera.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "gatehouse/core/pass.hpp"
#include "gatehouse/devices/barcode.hpp"
#include "gatehouse/devices/id_document.hpp"
#include "gatehouse/devices/photo_quality.hpp"
#include "gatehouse/testing/wait.hpp"

using namespace gatehouse;
using namespace gatehouse::devices;
using gatehouse::testing::waitUntil;

namespace {

std::string footage() { return std::string(GATEHOUSE_TEST_ASSETS) + "/sim/checkin"; }

CameraConfig simConfig(double fps) {
  CameraConfig c;
  c.driver = "simulated";
  c.source = footage();
  c.width = 640;
  c.height = 480;
  c.fps = fps;
  c.reconnectInterval = std::chrono::milliseconds(10);
  return c;
}

std::vector<cv::Mat> footageFrames() {
  auto src = makeSimulatedSource(simConfig(10));
  EXPECT_TRUE(src->open());
  std::vector<cv::Mat> out;
  for (int i = 0; i < 9; ++i) out.push_back(src->read().value());
  return out;
}

// A camera that can be unplugged and plugged back by the test.
class PluggableSource final : public FrameSource {
 public:
  explicit PluggableSource(std::shared_ptr<std::atomic<bool>> plugged)
      : plugged_(std::move(plugged)) {}
  Status open() override {
    if (!*plugged_) return makeError("not_found", "/dev/video9 does not exist");
    return Ok{};
  }
  Result<cv::Mat> read() override {
    if (!*plugged_) return makeError("lost", "/dev/video9 disappeared");
    return cv::Mat(48, 64, CV_8UC3, cv::Scalar(1, 2, 3));
  }
  void close() override {}
  std::string describe() const override { return "fake:/dev/video9"; }
  bool selfPaced() const override { return false; }

 private:
  std::shared_ptr<std::atomic<bool>> plugged_;
};

}  // namespace

TEST(SimulatedCamera, DeliversFramesAtTheConfiguredRate) {
  std::mutex m;
  std::vector<std::pair<std::uint64_t, std::chrono::steady_clock::time_point>> got;
  auto cam = makeCamera(simConfig(40));
  ASSERT_TRUE(cam) << cam.error().message;
  cam.value()->addConsumer([&](const Frame& f) {
    std::lock_guard lock(m);
    got.emplace_back(f.sequence, f.capturedAt);
    EXPECT_EQ(f.image.cols, 640);
  });
  cam.value()->start();
  ASSERT_TRUE(waitUntil([&] {
    std::lock_guard lock(m);
    return got.size() >= 2 && got.back().first >= 41;
  }));
  cam.value().reset();  // joins the consumer thread while `got` is alive
  std::lock_guard lock(m);
  const double seconds =
      std::chrono::duration<double>(got.back().second - got.front().second).count();
  const double rate = static_cast<double>(got.back().first - got.front().first) / seconds;
  EXPECT_NEAR(rate, 40.0, 40.0 * 0.2) << "frames/s over " << seconds << " s";
}

TEST(SimulatedCamera, SlowConsumerDropsFramesAndNeverStallsCapture) {
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> slowCalls{0}, fastCalls{0};
  std::atomic<std::uint64_t> lastSlowSeq{0};
  auto cam = std::move(makeCamera(simConfig(200))).value();
  // On any early return, let the blocked consumer go before the camera joins it.
  struct Release {
    std::mutex& m;
    std::condition_variable& cv;
    bool& flag;
    ~Release() {
      {
        std::lock_guard lock(m);
        flag = true;
      }
      cv.notify_all();
    }
  };
  cam->addConsumer([&](const Frame& f) {
    ++slowCalls;
    lastSlowSeq = f.sequence;
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return release; });
  });
  cam->addConsumer([&](const Frame&) { ++fastCalls; });
  Release releaseOnExit{m, cv, release};
  cam->start();
  ASSERT_TRUE(waitUntil([&] { return cam->stats().captured >= 60; }));  // capture went on
  EXPECT_EQ(slowCalls.load(), 1);                                       // slow one still busy
  EXPECT_GE(fastCalls.load(), 10);                                      // others unaffected
  EXPECT_GT(cam->stats().dropped, 0u);
  {
    std::lock_guard lock(m);
    release = true;
  }
  cv.notify_all();
  ASSERT_TRUE(waitUntil([&] { return slowCalls.load() >= 2; }));
  EXPECT_GT(lastSlowSeq.load(), 50u);  // it got a recent frame, not the backlog
  cam.reset();
}

TEST(Camera, UnplugIsReportedAndReplugRecoversWithoutRestart) {
  auto plugged = std::make_shared<std::atomic<bool>>(true);
  std::mutex m;
  std::vector<CameraEvent> events;
  std::atomic<int> frames{0};
  Camera cam(std::make_unique<PluggableSource>(plugged), 200, std::chrono::milliseconds(5));
  cam.setEventCallback([&](const CameraEvent& e) {
    std::lock_guard lock(m);
    events.push_back(e);
  });
  cam.addConsumer([&](const Frame&) { ++frames; });
  cam.start();
  ASSERT_TRUE(waitUntil([&] { return frames.load() >= 5; }));
  EXPECT_EQ(cam.state(), CameraState::running);
  *plugged = false;
  ASSERT_TRUE(waitUntil([&] { return cam.state() == CameraState::disconnected; }));
  const auto capturedWhileDown = cam.stats().captured;
  *plugged = true;
  ASSERT_TRUE(waitUntil([&] {
    return cam.state() == CameraState::running && cam.stats().captured > capturedWhileDown + 5;
  }));
  cam.stop();
  EXPECT_EQ(cam.stats().reconnects, 1u);
  std::lock_guard lock(m);
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events[0].state, CameraState::running);
  EXPECT_EQ(events[1].state, CameraState::disconnected);
  EXPECT_NE(events[1].message.find("disappeared"), std::string::npos) << events[1].message;
  EXPECT_EQ(events.back().state, CameraState::running);
  EXPECT_NE(events.back().message.find("reconnected"), std::string::npos);
  // Retries while unplugged are reported once, not once per attempt.
  int downEvents = 0;
  for (const auto& e : events) downEvents += e.state == CameraState::disconnected;
  EXPECT_EQ(downEvents, 1);
}

TEST(Camera, MissingFootageIsReportedAndUnknownDriverRefused) {
  auto c = simConfig(10);
  c.source = "/nonexistent/footage";
  std::atomic<bool> down{false};
  auto cam = std::move(makeCamera(c)).value();
  cam->setEventCallback([&](const CameraEvent& e) { down = e.state == CameraState::disconnected; });
  cam->start();
  EXPECT_TRUE(waitUntil([&] { return down.load(); }));
  cam->stop();
  c.driver = "gopro";
  EXPECT_EQ(makeCamera(c).error().code, "unknown_driver");
}

TEST(SimulatedFootage, ShowsAPassAnIdCardAndAFace) {
  const auto frames = footageFrames();
  bool sawPass = false, sawLicence = false;
  for (const auto& f : frames) {
    for (const auto& code : decodeCodes(f)) {  // the camera's fast path
      if (code.format == CodeFormat::qr) {
        auto pass = parsePass(code.text);
        ASSERT_TRUE(pass) << pass.error().message;
        EXPECT_EQ(pass->guestName, "Eileen Collins");
        sawPass = true;
      } else if (code.format == CodeFormat::pdf417) {
        auto lic = parseAamva(code.text, Date{2026, 11, 22});
        ASSERT_TRUE(lic) << lic.error().message;
        EXPECT_EQ(lic->familyName, "COLLINS");
        sawLicence = true;
      }
    }
  }
  EXPECT_TRUE(sawPass);
  EXPECT_TRUE(sawLicence);
  auto checker = std::move(PhotoQualityChecker::create()).value();
  const auto q = checker->check(frames[0]);
  EXPECT_TRUE(q.ok()) << (q.primary() ? reasonCode(*q.primary()) : "") << " sharpness "
                      << q.sharpness;
}

TEST(PhotoQuality, EachProblemHasItsReason) {
  const cv::Mat good = footageFrames()[0];
  auto checker = std::move(PhotoQualityChecker::create()).value();
  ASSERT_TRUE(checker->check(good).ok());

  cv::Mat blurred;
  cv::GaussianBlur(good, blurred, {0, 0}, 5);
  auto q = checker->check(blurred);
  ASSERT_TRUE(q.primary());
  EXPECT_STREQ(reasonCode(*q.primary()), "hold_still") << q.sharpness;

  cv::Mat dark;
  good.convertTo(dark, -1, 0.2, 0);
  q = checker->check(dark);
  ASSERT_TRUE(q.primary());
  EXPECT_STREQ(reasonCode(*q.primary()), "too_dark") << q.brightness;

  cv::Mat far(good.size(), good.type(), cv::Scalar(150, 140, 130));
  cv::Mat tiny;
  cv::resize(good, tiny, {}, 0.6, 0.6, cv::INTER_AREA);
  tiny.copyTo(far(cv::Rect(100, 80, tiny.cols, tiny.rows)));
  q = checker->check(far);
  ASSERT_TRUE(q.primary());
  EXPECT_STREQ(reasonCode(*q.primary()), "move_closer");

  const cv::Mat empty(good.size(), good.type(), cv::Scalar(150, 140, 130));
  q = checker->check(empty);
  ASSERT_TRUE(q.primary());
  EXPECT_STREQ(reasonCode(*q.primary()), "no_face");

  PhotoQualityConfig bad;
  bad.cascade = "/nonexistent.xml";
  EXPECT_EQ(PhotoQualityChecker::create(bad).error().code, "cascade_missing");
}

TEST(SimulatedCamera, LoopsAVideoFile) {
  // An MJPG .avi made from the footage: the source reads it to the end and starts again.
  const auto frames = footageFrames();
  char tmpl[] = "/tmp/gatehouse-video-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  const std::string path = dir + "/clip.avi";
  {
    cv::VideoWriter w(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10, frames[0].size());
    ASSERT_TRUE(w.isOpened());
    for (int i = 0; i < 3; ++i) w.write(frames[static_cast<std::size_t>(i)]);
  }
  auto c = simConfig(10);
  c.source = path;
  c.width = 320;
  c.height = 240;
  auto src = makeSimulatedSource(c);
  ASSERT_TRUE(src->open());
  for (int i = 0; i < 7; ++i) {  // more reads than frames in the file
    auto f = src->read();
    ASSERT_TRUE(f) << "read " << i << ": " << f.error().message;
    EXPECT_EQ(f->cols, 320);
    EXPECT_EQ(f->rows, 240);
  }
  src->close();
  std::filesystem::remove_all(dir);
}
