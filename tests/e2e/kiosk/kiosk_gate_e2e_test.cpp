// End to end, the gate: the real kiosk binary offscreen on the simulated USB bus (a HID POS
// scanner, a wedge and a USBRelay board behind the same UsbHub as real hardware), a throwaway
// database. The relay opens on each trigger and not on a denial, a refused pass or a relay fault.
#include <gtest/gtest.h>

#include <memory>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/connection.hpp"
#include "gatehouse/testing/test_database.hpp"
#include "kiosk_harness.hpp"

namespace gatehouse::e2e {
namespace {

using gatehouse::testing::TestDatabase;
using gatehouse::testing::waitUntil;
using namespace std::chrono_literals;

const char* kGateToml = R"(
[devices.usb]
driver = "simulated"
[gate]
enabled = true
entry_channel = 1
exit_channel = 2
pulse_ms = 200
directions = "Lifts straight ahead"
)";

const char* kDetailsToPhoto = R"(wait-screen welcome 60
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
tap photo.take
wait-screen photo_review
tap review.use
wait-screen awaiting_approval 30
)";

std::string passThenPhoto(const std::string& passFile) {
  return "tap welcome.pass\nwait-screen scan_pass\nusb-scan @" + passFile +
         "\nwait-screen photo 30\nwait-frames 15\ntap photo.take\nwait-screen photo_review\n"
         "tap review.use\n";
}

class KioskGate : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>();
    backend::Connection c(db_->url());
    seedDemoKeepingKeys(c);
  }
  KioskSetup setup() {
    KioskSetup s;
    s.databaseUrl = db_->urlAs("gatehouse_kiosk");
    s.extraToml = kGateToml;
    return s;
  }
  std::string one(const std::string& sql, backend::Params params = {}) {
    backend::Connection c(db_->url());
    auto rows = c.exec(sql, std::move(params));
    return rows.empty() ? std::string() : rows[0].text(0);
  }
  std::string pendingVisit() {
    std::string id;
    waitUntil(
        [&] {
          id = one("SELECT id::text FROM gh.visit WHERE status = 'pending' LIMIT 1");
          return !id.empty();
        },
        90s);
    return id;
  }
  void decide(const std::string& visit, bool approve) {
    backend::Connection c(db_->url());
    c.exec(
        "SELECT set_config('gatehouse.person_id', (SELECT p.id::text FROM gh.person p JOIN "
        "gh.visit v ON v.unit_id = p.unit_id WHERE v.id = $1::uuid AND p.role = 'resident' "
        "ORDER BY p.id LIMIT 1), false)",
        {visit});
    c.exec("SELECT gh.decide_visit($1::uuid, $2::boolean)", {visit, approve});
  }
  // "direction reason outcome" of every gate event, oldest first.
  std::string gateLog() {
    backend::Connection c(db_->url());
    std::string out;
    auto rows = c.exec(
        "SELECT direction || ' ' || channel || ' ' || reason || ' ' || outcome AS line "
        "FROM gh.gate_event ORDER BY at, recorded_at");
    for (std::size_t i = 0; i < rows.size(); ++i) out += rows[i].text("line") + "\n";
    return out;
  }
  std::unique_ptr<TestDatabase> db_;
};

TEST_F(KioskGate, ApprovedWalkInAndItsExitOpenTheGateOnTheirChannelsAndReachTheLog) {
  Kiosk k("gate_walk_in", setup());
  k.start(std::string(kDetailsToPhoto) +
              "wait-screen done 90\nexpect-relay 1 1\nscreenshot gate-open\ntap outcome.finish\n"
              "wait-screen welcome\ntap welcome.exit\nwait-screen scan_badge\n"
              "usb-scan-replug @badge\nwait-screen exit_photo 30\nwait-frames 15\n"
              "tap photo.take\nwait-screen exit_done 60\nexpect-relay 2 1\nexpect-relay 1 1\n"
              "tap outcome.finish\nwait-screen welcome\nwait-synced 60\n",
          "run");
  const std::string visit = pendingVisit();
  ASSERT_FALSE(visit.empty()) << k.log();
  decide(visit, true);
  ASSERT_EQ(k.wait(), 0) << k.log();
  EXPECT_EQ(gateLog(), "entry 1 walk_in opened\nexit 2 exit opened\n");
  EXPECT_EQ(one("SELECT count(*) FROM gh.gate_event WHERE visit_id = $1::uuid", {visit}), "2");
  EXPECT_EQ(one("SELECT status::text FROM gh.visit WHERE id = $1::uuid", {visit}), "checked_out")
      << "the badge scanned across an unplug was read whole";
}

TEST_F(KioskGate, APassScannedByTheUsbScannerOpensTheGateADenialAndARefusedPassDoNot) {
  Kiosk k("gate_pass", setup());
  writeFile(k.file("valid.txt"),
            makePass(db_->url(), "now() - interval '1 hour', now() + interval '1 day'"));
  writeFile(k.file("expired.txt"),
            makePass(db_->url(), "now() - interval '2 days', now() - interval '1 day'"));
  k.start(std::string(kDetailsToPhoto) +
              "wait-screen denied 90\nexpect-relay 1 0\ntap outcome.finish\nwait-screen welcome\n"
              "wait-cache\ntap welcome.pass\nwait-screen scan_pass\nusb-scan @" +
              k.file("expired.txt").string() +
              "\nwait-screen pass_rejected 30\nexpect-relay 1 0\ntap outcome.finish\n"
              "wait-screen welcome\n" +
              passThenPhoto(k.file("valid.txt").string()) +
              "wait-screen done 60\nexpect-relay 1 1\ntap outcome.finish\nwait-screen welcome\n"
              "wait-synced 60\n",
          "run");
  const std::string visit = pendingVisit();
  ASSERT_FALSE(visit.empty()) << k.log();
  decide(visit, false);
  ASSERT_EQ(k.wait(), 0) << k.log();
  EXPECT_EQ(gateLog(), "entry 1 pass opened\n");
}

TEST_F(KioskGate, ARelayFaultTellsTheVisitorAGuardIsComingAlertsTheGuardAndRetryOpens) {
  Kiosk k("gate_relay_fault", setup());
  writeFile(k.file("valid.txt"),
            makePass(db_->url(), "now() - interval '1 hour', now() + interval '1 day'"));
  k.start("wait-screen welcome 60\nwait-cache\nusb-unplug relay\n" +
              passThenPhoto(k.file("valid.txt").string()) +
              "wait-screen device_problem 60\nexpect-reason relay_missing\nexpect-relay 1 0\n"
              "wait-frames 5\nscreenshot relay-fault\nusb-plug relay\ntap fault.retry\n"
              "wait-screen done 30\nexpect-relay 1 1\ntap outcome.finish\nwait-screen welcome\n"
              "wait-synced 60\n",
          "run");
  ASSERT_EQ(k.wait(), 0) << k.log();
  EXPECT_EQ(gateLog(), "entry 1 pass fault\nentry 1 pass opened\n");
  EXPECT_EQ(one("SELECT count(*) FROM gh.alert WHERE kind = 'gate_fault' AND kiosk_id = 1"), "1");
  EXPECT_EQ(one("SELECT details->>'fault' FROM gh.alert WHERE kind = 'gate_fault'"),
            "relay_missing");
}

TEST_F(KioskGate, AGuardOpensTheGateRemotelyAndTheKioskHearsItAtOnce) {
  Kiosk k("gate_remote", setup());
  k.start("wait-screen welcome 60\nwait-cache\nprint ready\nwait-file " + k.flagPath("opened") +
              " 90\nexpect-relay 2 1\nexpect-relay 1 0\n",
          "run");
  ASSERT_TRUE(waitUntil(
      [&] { return readFile(k.file("run.out")).find("ready") != std::string::npos; }, 90s))
      << k.log();
  backend::Connection c(db_->url());
  c.exec(
      "SELECT set_config('gatehouse.person_id', (SELECT id::text FROM gh.person WHERE role = "
      "'guard' AND estate_id = 1 ORDER BY id LIMIT 1), false)");
  const std::string command =
      c.exec("SELECT gh.staff_open_gate(1, 'exit', 'delivery van at the barrier')::text AS id")[0]
          .text("id");
  ASSERT_TRUE(waitUntil(
      [&] { return one("SELECT count(*) FROM gh.gate_event WHERE outcome = 'opened'") == "1"; },
      60s))
      << k.log();
  k.release("opened");
  ASSERT_EQ(k.wait(), 0) << k.log();
  EXPECT_EQ(gateLog(), "exit 2 remote opened\n");
  EXPECT_EQ(one("SELECT CASE WHEN opened_by = (SELECT requested_by FROM gh.kiosk_command WHERE "
                "id = $1::uuid) THEN 'the guard' ELSE 'someone else' END FROM gh.gate_event",
                {command}),
            "the guard");
  EXPECT_EQ(one("SELECT outcome FROM gh.kiosk_command WHERE id = $1::uuid", {command}), "opened");
}

// Every touch target of each walk-in screen inside the viewport and apart from the others, at the
// four panel sizes, in both languages; an ID scanned on "About you" then typing over it.
TEST_F(KioskGate, WalkInScreensFitEverySizeAndLanguageAndTypingReplacesAScannedName) {
  const std::string mrz =
      "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\n"
      "ERIKSSON<<ANNA<MARIA<<<<<<<<<<\n";
  int runs = 0;
  for (const char* size : {"1920x1080", "1366x768", "1280x720", "1080x1920"}) {
    for (const char* language : {"en", "ru"}) {
      KioskSetup s = setup();
      s.size = size;
      s.language = language;
      s.theme = std::string(language) == "ru" ? "dark" : "light";
      Kiosk k(std::string("layout_") + size + "_" + language, s);
      writeFile(k.file("mrz.txt"), mrz);
      // In Russian the name keyboard starts Cyrillic: the scripted visitor switches to Latin.
      const std::string latin = std::string(language) == "ru" ? "tap key:layout\n" : "";
      k.start(
          "wait-screen welcome 60\nexpect-layout\ntap welcome.walk_in\n"
          "wait-screen find_resident\ntype a-101\nwait-frames 3\nexpect-layout\n"
          "tap unit.A-101\nwait-screen visitor_details\nwait-frames 3\nexpect-layout\n" +
              latin + "type olga\nwait-frames 3\nexpect-layout\nscan @" +
              k.file("mrz.txt").string() +
              // The read closes the keyboard and shows its card there; a tap on the name opens
              // it again, and the first key starts a new name.
              "\nwait-frames 3\nexpect-layout\nexpect-text •••••890\ntap details.name\n"
              "tap key:v\ntap key:e\ntap key:r\ntap key:a\nexpect-no-text •••••890\n"
              "tap purpose.guest\nwait-frames 3\nexpect-layout\ntap details.phone\n"
              "wait-frames 3\nexpect-layout\ntap details.next\nwait-screen photo\n"
              "wait-frames 5\nexpect-layout\ntap photo.take\nwait-screen photo_review\n"
              "expect-layout\ntap review.use\nwait-screen awaiting_approval 30\n"
              "wait-frames 3\nexpect-layout\ntap waiting.cancel\nwait-screen welcome\n"
              "wait-synced 60\n",
          "run");
      ASSERT_EQ(k.wait(), 0) << size << " " << language << "\n" << k.log();
      ++runs;
    }
  }
  const std::string names = "FROM gh.visit v JOIN gh.visitor p ON p.id = v.visitor_id";
  EXPECT_EQ(one("SELECT count(*) " + names + " WHERE p.full_name = 'Vera'"), std::to_string(runs))
      << one("SELECT string_agg(p.full_name, ', ') " + names);
}

}  // namespace
}  // namespace gatehouse::e2e
