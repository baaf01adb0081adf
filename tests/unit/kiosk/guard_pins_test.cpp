// The kiosk's guard PIN checks: the server's answer while online; offline the cached Argon2id
// hashes with the estate's lock (an alert after too many wrong PINs) and per-outage limit.
#include "gatehouse/kiosk/guard_pins.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "gatehouse/core/password.hpp"
#include "gatehouse/testing/wait.hpp"

namespace gatehouse::kiosk {
namespace {

namespace fs = std::filesystem;
using O = flow::PinResult::Outcome;

class KioskGuardPinsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("gh-pins-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    box_ = std::move(Outbox::open((dir_ / "o.sqlite").string())).value();
    // Fast hashes stand in for hashPin's: the check is the same verifyPassword.
    (void)box_->put("guard_pins",
                    nlohmann::json::array(
                        {{{"id", 7}, {"name", "Grace"}, {"pin_hash", hashPasswordFast("246813")}}})
                        .dump());
    (void)box_->put("pin_policy",
                    R"({"max_failures": 3, "lock_minutes": 10, "offline_approvals": 2})");
  }
  void TearDown() override {
    box_.reset();
    fs::remove_all(dir_);
  }
  KioskGuardPins pins(OnlinePinCheck online = {}) {
    return KioskGuardPins(*box_, std::move(online), clock_,
                          [this](const std::string& d) { alerts_.push_back(d); });
  }

  fs::path dir_;
  std::unique_ptr<Outbox> box_;
  ManualClock clock_;
  std::vector<std::string> alerts_;
};

TEST_F(KioskGuardPinsTest, OnlineTheServersAnswerDecidesAndNamesItsCheck) {
  int asked = 0;
  auto p = pins([&](const std::string& pin) -> std::optional<OnlinePinAnswer> {
    ++asked;
    if (pin == "975310") return OnlinePinAnswer{O::Ok, "8", "check-1", 0};
    return OnlinePinAnswer{};
  });
  const auto ok = p.verify("975310");
  EXPECT_EQ(ok.outcome, O::Ok);
  EXPECT_EQ(ok.guardId, "8");
  EXPECT_EQ(ok.pinCheckId, "check-1");
  // The cached hash is not consulted while the server answers.
  EXPECT_EQ(p.verify("246813").outcome, O::Wrong);
  EXPECT_EQ(p.verify("2468").outcome, O::Wrong);  // too short: not even asked
  EXPECT_EQ(asked, 2);
}

TEST_F(KioskGuardPinsTest, OfflineWrongPinsLockEntryForAWhileAndAlertTheGuards) {
  auto p = pins([](const std::string&) { return std::optional<OnlinePinAnswer>{}; });
  EXPECT_EQ(p.verify("000000").outcome, O::Wrong);
  EXPECT_EQ(p.verify("000001").outcome, O::Wrong);
  EXPECT_EQ(p.verify("000002").outcome, O::Locked);
  ASSERT_EQ(alerts_.size(), 1u);
  EXPECT_NE(alerts_[0].find("\"checked\":\"offline\""), std::string::npos) << alerts_[0];
  EXPECT_EQ(p.verify("246813").outcome, O::Locked);  // even the right PIN, while locked
  auto restarted = pins();                           // the lock survives a restart
  EXPECT_EQ(restarted.verify("246813").outcome, O::Locked);
  clock_.advance(std::chrono::minutes(11));
  const auto ok = restarted.verify("246813");
  EXPECT_EQ(ok.outcome, O::Ok);
  EXPECT_EQ(ok.guardId, "7");
  EXPECT_TRUE(ok.pinCheckId.empty());  // checked offline
  EXPECT_EQ(alerts_.size(), 1u);
}

TEST_F(KioskGuardPinsTest, OfflineApprovalsAreLimitedPerOutage) {
  auto p = pins();
  EXPECT_EQ(p.verify("246813").outcome, O::Ok);
  EXPECT_EQ(p.verify("246813").outcome, O::Ok);
  EXPECT_EQ(p.verify("246813").outcome, O::OfflineLimit);
  p.connectivity(false);
  EXPECT_EQ(p.verify("246813").outcome, O::OfflineLimit);
  p.connectivity(true);  // back online: the next outage starts a new count
  EXPECT_EQ(p.verify("246813").outcome, O::Ok);
}

// A verifier that holds until the test lets it go: how slow Argon2id or the server can be.
struct SlowVerifier {
  std::mutex m;
  std::condition_variable cv;
  bool released = false;
  std::atomic<int> started{0};
  flow::PinResult operator()(const std::string& pin) {
    ++started;
    std::unique_lock lock(m);
    cv.wait(lock, [this] { return released; });
    return pin == "246813" ? flow::PinResult{O::Ok, "7", "check-9"} : flow::PinResult{};
  }
  void release() {
    {
      std::lock_guard lock(m);
      released = true;
    }
    cv.notify_all();
  }
};

TEST(GuardPinChecker, TheUiThreadsCallReturnsBeforeTheCheckEndsAndTheAnswerComesAsAnEvent) {
  SlowVerifier slow;
  flow::EventQueue events;
  SerialWorker worker;
  GuardPinChecker checker([&slow](const std::string& pin) { return slow(pin); }, {}, events,
                          worker);
  const Uuid visit = Uuid::random();
  checker.check(visit, "246813");  // returns while the verify is still held
  EXPECT_TRUE(testing::waitUntil([&] { return slow.started.load() == 1; }));
  EXPECT_EQ(events.size(), 0u);  // the check has started and not ended
  slow.release();
  ASSERT_TRUE(testing::waitUntil([&] { return events.size() == 1; }));
  const auto got = events.drain();
  EXPECT_EQ(got[0].kind, flow::EventKind::GuardPinChecked);
  EXPECT_EQ(got[0].visit, visit);
  EXPECT_EQ(got[0].pin.outcome, O::Ok);
  EXPECT_EQ(got[0].pin.guardId, "7");
  EXPECT_EQ(got[0].pin.pinCheckId, "check-9");
}

TEST(GuardPinChecker, TheLinksStateIsPassedOnOnlyWhenItChanges) {
  flow::EventQueue events;
  SerialWorker worker;
  std::vector<bool> told;  // written on the worker, read after flush()
  GuardPinChecker checker([](const std::string&) { return flow::PinResult{}; },
                          [&told](bool online) { told.push_back(online); }, events, worker);
  for (bool online : {true, true, true, false, false, true}) checker.connectivity(online);
  worker.flush();
  EXPECT_EQ(told, (std::vector<bool>{true, false, true}));
}

TEST(SerialWorker, RunsJobsInOrderAndFlushWaitsForThem) {
  SerialWorker worker;
  std::vector<int> ran;
  for (int i = 0; i < 50; ++i) worker.post([&ran, i] { ran.push_back(i); });
  worker.flush();
  ASSERT_EQ(ran.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(ran[static_cast<std::size_t>(i)], i);
  EXPECT_TRUE(worker.idle());
}

}  // namespace
}  // namespace gatehouse::kiosk
