// The real gatehouse-console binary, offscreen, through the real server (gatehouse-portal) and a
// throwaway database with simulated kiosks, driven by the ui library's scripted input; one
// screenshot per state.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include "gatehouse/console/housekeeper.hpp"
#include "server_fixture.hpp"

namespace gatehouse::console::test {
namespace {

namespace fs = std::filesystem;

class ConsoleUiTest : public ServerConsoleTest {
 protected:
  void SetUp() override {
    ServerConsoleTest::SetUp();
    work_ = fs::temp_directory_path() / ("gh-console-ui-" + Uuid::random().toString());
    fs::create_directories(work_);
    shots_ = fs::path(std::getenv("GATEHOUSE_CONSOLE_SHOTS")) /
             ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(shots_);
    fs::create_directories(shots_);
    std::ofstream(work_ / "console.toml")
        << "[server]\nurl = \"" << server_->url() << "\"\n"
        << "[console]\nmode = \"offscreen\"\nwidth = 1600\nheight = 900\n"
        << "offline_after_s = 120\n"  // only the silent kiosk, however slow CI is
        << "cache_path = \"" << (work_ / "cache.sqlite").string() << "\"\n"
        << "export_dir = \"" << work_.string() << "\"\n"
        << "[camera]\ndriver = \"simulated\"\nsource = \"" << std::getenv("GATEHOUSE_SOURCE_DIR")
        << "/assets/sim/checkin\"\n";
    stage();
  }
  void TearDown() override {
    ServerConsoleTest::TearDown();
    fs::remove_all(work_);
  }

  // A busy night: three kiosks (one silent), a queue with an escalated and a watchlisted
  // request, visitors on site with photos, a printer fault.
  void stage() {
    owner_->asPerson(admin_, [&](Connection& tx) {
      tx.exec("SELECT gh.watchlist_add('Виктор Громов', NULL, 'threatened the concierge')");
    });
    kiosks_[0]->heartbeat(
        {"approval", R"({"camera":"ok","printer":"ok","scanner":"ok"})", 0, "1.0.0"});
    kiosks_[1]->heartbeat({"welcome", R"({"camera":"ok","printer":"out_of_paper"})", 2, "1.0.0"});
    KioskClient third(db_->urlAs("gatehouse_kiosk"),
                      {demo_.kiosks[2].kioskId, demo_.kiosks[2].token});
    third.heartbeat({"welcome", "{}", 0, "1.0.0"});
    owner_->exec("UPDATE gh.kiosk SET last_heartbeat = now() - interval '4 minutes' WHERE id = $1",
                 {demo_.kiosks[2].kioskId});
    onSiteVisitor(0, "Alice Inside", "A-101");
    onSiteVisitor(1, "Борис Внутри", "B-201");
    const Uuid late = onSiteVisitor(0, "Oscar Overstay", "A-205");
    owner_->exec(
        "UPDATE gh.visit SET expected_exit_at = now() - interval '20 minutes' WHERE id = $1",
        {late});
    walkIn(0, "Dora Delivery", "A-103");
    const Uuid escalated = walkIn(1, "Ethan Early", "B-110");
    owner_->exec("UPDATE gh.visit SET requested_at = now() - interval '3 minutes' WHERE id = $1",
                 {escalated});
    kiosks_[1]->raiseAlert("approval_timeout", escalated);
    walkIn(0, "GROMOV Viktor", "A-104");
    kiosks_[1]->raiseAlert("printer_fault", std::nullopt, R"({"reason":"out of paper"})");
    Connection worker(workerUrl());
    runHousekeeping(worker,
                    std::chrono::seconds(60));  // overstay + kiosk offline, as the worker would
  }

  int runConsole(const std::string& email, const std::string& script) {
    std::ofstream(work_ / "script.txt") << script;
    const std::string cmd =
        "SDL_AUDIODRIVER=dummy " + std::string(std::getenv("GATEHOUSE_CONSOLE_BIN")) +
        " --config '" + (work_ / "console.toml").string() + "' --totp " + nextCode(email) +
        " --lang-dir '" + std::string(std::getenv("GATEHOUSE_SOURCE_DIR")) +
        "/assets/lang/console'" + " --email '" + email + "' --password gatehouse-demo --script '" +
        (work_ / "script.txt").string() + "' --screenshots '" + shots_.string() + "' 2>&1";
    return std::system(cmd.c_str());
  }
  std::int64_t count(const std::string& sql, const backend::Params& p = {}) {
    return std::stoll(scalar(sql, p));
  }
  // The console as a child process (the test acts while its script runs); returns its pid.
  pid_t spawnConsole(const std::string& email, const std::string& script,
                     const std::string& lang = "en") {
    std::ofstream(work_ / "script.txt") << script;
    const std::string bin = std::getenv("GATEHOUSE_CONSOLE_BIN");
    std::vector<std::string> args{
        bin,
        "--config",
        (work_ / "console.toml").string(),
        "--lang-dir",
        std::string(std::getenv("GATEHOUSE_SOURCE_DIR")) + "/assets/lang/console",
        "--lang",
        lang,
        "--email",
        email,
        "--password",
        "gatehouse-demo",
        "--totp",
        nextCode(email),
        "--script",
        (work_ / "script.txt").string(),
        "--screenshots",
        shots_.string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::setenv("SDL_AUDIODRIVER", "dummy", 1);
      ::execv(bin.c_str(), argv.data());
      ::_exit(127);
    }
    return pid;
  }
  // The child's exit status, or -1 when it did not end in time (then it is killed).
  static int waitConsole(pid_t pid, std::chrono::seconds timeout = std::chrono::seconds(120)) {
    int status = 0;
    if (!waitUntil([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, timeout)) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  // A first run signed in with the server up: the sealed cache now holds the three on site.
  void saveTheListOnce() {
    ASSERT_EQ(runConsole(demo_.guardEmails[0], R"(
tap signin.submit
wait-screen overview 30
expect onsite = 3
wait-screen expect-ok 30
)"),
              0);
    ASSERT_TRUE(fs::exists(work_ / "cache.sqlite"));
  }

  fs::path work_, shots_;
};

TEST_F(ConsoleUiTest, GuardWorksTheNightShift) {
  const auto openAlerts = count("SELECT count(*) FROM gh.alert WHERE acknowledged_at IS NULL");
  ASSERT_GE(openAlerts, 5);  // watchlist hit, approval timeout, printer, overstay, kiosk offline
  const std::string script = R"(
wait-screen signin
screenshot signin
tap signin.submit
wait-screen overview 20
expect queue = 3
wait-screen expect-ok 20
expect cues >= 1
wait-screen expect-ok 5
expect kiosks_offline = 1
wait-screen expect-ok 5
screenshot overview-night
tap queue.approve.0
wait-frames 3
screenshot approve-dialog
tap decide.quick.0
tap decide.confirm
expect queue = 2
wait-screen expect-ok 20
key K
expect alerts = )" + std::to_string(openAlerts - 1) +
                             R"(
wait-screen expect-ok 20
screenshot after-approve-and-ack
key F2
wait-screen onsite
tap onsite.print
wait-frames 2
screenshot onsite
key F3
wait-screen manual
fill manual.name Wanda Wheelchair
fill manual.unit B-102
fill manual.reason kiosk screen out of reach
wait-frames 2
screenshot manual-entry
tap manual.submit
expect onsite = 4
wait-screen expect-ok 20
key F4
wait-screen history
fill history.name INSIDE
tap history.search
expect history = 1
wait-screen expect-ok 10
screenshot history
)";
  ASSERT_EQ(runConsole(demo_.guardEmails[0], script), 0);

  // The escalated request was first in the queue; approved on behalf, with the reason.
  auto row = owner_->exec(
      "SELECT v.status::text AS s, v.decided_by, v.decision_reason AS r FROM gh.visit v "
      "JOIN gh.visitor vr ON vr.id = v.visitor_id WHERE vr.full_name = 'Ethan Early'")[0];
  EXPECT_EQ(row.text("s"), "approved");
  EXPECT_EQ(row.int64("decided_by"), guard_);
  EXPECT_EQ(row.text("r"), "Called the resident");
  EXPECT_EQ(
      count(
          "SELECT count(*) FROM gh.audit_log WHERE action = 'visit.approved' AND actor_person = $1",
          {guard_}),
      4);
  EXPECT_EQ(count("SELECT count(*) FROM gh.alert WHERE acknowledged_by = $1", {guard_}), 1);
  EXPECT_EQ(count("SELECT count(*) FROM gh.visit WHERE status = 'checked_in' AND kiosk_id IS NULL "
                  "AND decided_by = $1",
                  {guard_}),
            1);
  // ...with a JPEG from the console's (simulated) camera.
  EXPECT_EQ(
      count(
          "SELECT count(*) FROM gh.evidence e JOIN gh.visit v ON v.id = e.visit_id WHERE "
          "v.kiosk_id IS NULL "
          "AND e.kind = 'entry_photo' AND e.content_type = 'image/jpeg' AND length(e.data) > 1000"),
      1);
  // The evacuation list the guard printed.
  ASSERT_TRUE(fs::exists(work_ / "evacuation-list.pdf"));
  for (const char* shot :
       {"01-signin.png", "02-overview-night.png", "03-approve-dialog.png",
        "04-after-approve-and-ack.png", "05-onsite.png", "06-manual-entry.png", "07-history.png"}) {
    EXPECT_TRUE(fs::exists(shots_ / shot)) << shot;
  }
}

TEST_F(ConsoleUiTest, AdminSeesWatchlistAndReports) {
  // Thirty days of history so the charts have a shape: busier afternoons and weekends.
  owner_->exec(R"sql(
    WITH vs AS (
      INSERT INTO gh.visitor (estate_id, full_name)
      SELECT $1, 'Past Visitor ' || g FROM generate_series(1, 900) g RETURNING id)
    INSERT INTO gh.visit (id, estate_id, unit_id, visitor_id, kiosk_id, status, requested_at, decided_at,
                          decision_channel, escalated_at, entered_at, exited_at)
    SELECT gen_random_uuid(), $1, (SELECT min(id) FROM gh.unit WHERE estate_id = $1), id,
           (ARRAY[$2, $3, $2]::bigint[])[1 + id % 3], CASE WHEN id % 9 = 0 THEN 'denied' ELSE 'checked_out' END::gh.visit_status,
           date_trunc('day', now()) - make_interval(days => (id % 29)::int + 1)
             + make_interval(hours => (8 + (id * 7) % 13)::int, mins => (id % 60)::int),
           date_trunc('day', now()) - make_interval(days => (id % 29)::int + 1)
             + make_interval(hours => (8 + (id * 7) % 13)::int, mins => (id % 60)::int, secs => (20 + id % 150)::int),
           'resident', CASE WHEN id % 11 = 0 THEN now() END,
           date_trunc('day', now()) - make_interval(days => (id % 29)::int + 1, hours => -9),
           date_trunc('day', now()) - make_interval(days => (id % 29)::int + 1, hours => -22)
      FROM vs)sql",
               {demo_.estateId, demo_.kiosks[0].kioskId, demo_.kiosks[1].kioskId});
  const std::string script = R"(
tap signin.submit
wait-screen overview 20
key F5
wait-screen watchlist
fill watchlist.name Mallory Mischief
fill watchlist.reason stole parcels
tap watchlist.add
expect watchlist = 2
wait-screen expect-ok 20
tap watchlist.hits.1
wait-frames 3
screenshot watchlist
key F6
wait-screen reports
expect report = 1
wait-screen expect-ok 20
tap reports.export
wait-frames 2
screenshot reports
)";
  ASSERT_EQ(runConsole(demo_.adminEmail, script), 0);
  EXPECT_EQ(scalar("SELECT name_key FROM gh.watchlist WHERE full_name = 'Mallory Mischief'"),
            "mallory mischief");
  std::ifstream csv(work_ / "report.csv");
  std::stringstream buffer;
  buffer << csv.rdbuf();
  const std::string text = buffer.str();
  EXPECT_NE(text.find("summary,visits,906"), std::string::npos) << text.substr(0, 300);
  EXPECT_TRUE(fs::exists(work_ / "report.pdf"));
  EXPECT_TRUE(fs::exists(shots_ / "01-watchlist.png"));
  EXPECT_TRUE(fs::exists(shots_ / "02-reports.png"));
}

TEST_F(ConsoleUiTest, AGuardExportsAVisitsEvidenceAndTheFileVerifies) {
  const Uuid alice(
      *Uuid::parse(scalar("SELECT v.id FROM gh.visit v JOIN gh.visitor vr ON vr.id = v.visitor_id "
                          "WHERE vr.full_name = 'Alice Inside'")));
  for (const auto kind : {backend::EvidenceKind::EntryPhoto, backend::EvidenceKind::ExitPhoto})
    kiosks_[0]->addEvidence({Uuid::random(), alice, kind, "image/jpeg",
                             backend::Bytes{0xFF, 0xD8, 0xFF, static_cast<std::uint8_t>(kind)},
                             std::chrono::system_clock::now()});
  const std::string script = R"(
tap signin.submit
wait-screen overview 20
key F4
wait-screen history
fill history.name Alice Inside
tap history.search
expect history = 1
wait-screen expect-ok 20
tap history.row.0
wait-frames 3
tap history.evidence
expect evidence_saved = 1
wait-screen expect-ok 30
screenshot evidence-saved
)";
  ASSERT_EQ(runConsole(demo_.guardEmails[0], script), 0);
  const auto file = work_ / ("evidence-" + alice.toString() + ".tar");
  ASSERT_TRUE(fs::exists(file));
  EXPECT_FALSE(fs::exists(file.string() + ".part"));
  const std::string verify = std::string(std::getenv("GATEHOUSE_VERIFY_BIN")) + " '" +
                             file.string() + "' --public-key " + evidencePublicKey_ +
                             " > /dev/null";
  EXPECT_EQ(std::system(verify.c_str()), 0);
  EXPECT_EQ(count("SELECT count(*) FROM gh.audit_log WHERE action = 'evidence.export' AND "
                  "actor_person = $1 AND subject = $2",
                  {guard_, alice.toString()}),
            1);
  EXPECT_TRUE(fs::exists(shots_ / "01-evidence-saved.png"));
}

TEST_F(ConsoleUiTest, AnAlertsPhotoShowsOnItsCardAndEnlarges) {
  std::ifstream jpegFile(
      std::string(std::getenv("GATEHOUSE_SOURCE_DIR")) + "/assets/sim/checkin/frame_000.jpg",
      std::ios::binary);
  const std::vector<std::uint8_t> jpeg{std::istreambuf_iterator<char>(jpegFile), {}};
  ASSERT_GT(jpeg.size(), 1000u);
  const Uuid visit = walkIn(0, "Fiona Faceless", "A-106");
  const auto alert =
      kiosks_[0]->raiseAlert(Uuid::random(), "face_not_found", visit, R"({"tries":3})", jpeg);
  const std::string script = R"(
tap signin.submit
wait-screen overview 20
expect alert_photos = 1
wait-screen expect-ok 20
screenshot alert-with-photo
tap alert.photo.)" + std::to_string(alert) +
                             R"(
expect photo_open = 1
wait-screen expect-ok 5
screenshot alert-photo-enlarged
tap photo.close
expect photo_open = 0
wait-screen expect-ok 5
)";
  ASSERT_EQ(runConsole(demo_.guardEmails[0], script), 0);
  EXPECT_TRUE(fs::exists(shots_ / "01-alert-with-photo.png"));
  EXPECT_TRUE(fs::exists(shots_ / "02-alert-photo-enlarged.png"));
}

TEST_F(ConsoleUiTest, WithTheServerGoneTheLastGuardsPasswordOpensTheSealedOnSiteList) {
  saveTheListOnce();
  server_->kill();  // a power cut: the console restarts, the server stays away
  // The code given at launch is used by the script's last sign-in, 20-60 s later on a loaded
  // machine: launch early in a 30-s step, so the next step's code stays good for 80 s or more.
  ASSERT_TRUE(waitUntil([] { return SystemClock::instance().unixSeconds() % 30 < 10; },
                        std::chrono::seconds(35)));
  const pid_t pid = spawnConsole(demo_.guardEmails[0], R"(
wait-screen signin-unreachable 60
screenshot signin-unreachable
tap signin.offline
wait-screen offline-unlock 10
screenshot offline-unlock
fill offline.password not-the-password
tap offline.open
wait-screen offline-refused 60
screenshot offline-refused
fill offline.password gatehouse-demo
tap offline.open
wait-screen offline-list 60
expect offline_list = 3
wait-screen expect-ok 5
tap offline.print
wait-frames 3
screenshot offline-list
wait-screen offline-list-server-back 90
screenshot offline-server-back
tap offline.signin
wait-screen signin 10
tap signin.submit
wait-screen overview 60
expect onsite = 3
wait-screen expect-ok 30
screenshot live-again
)");
  // The list is open offline: now the server comes back on its port.
  const bool listShown = waitUntil([&] { return fs::exists(shots_ / "04-offline-list.png"); },
                                   std::chrono::seconds(120));
  if (listShown) server_->restart();
  const int rc = waitConsole(pid);
  ASSERT_TRUE(listShown);
  ASSERT_EQ(rc, 0);
  for (const char* shot :
       {"01-signin-unreachable.png", "02-offline-unlock.png", "03-offline-refused.png",
        "04-offline-list.png", "05-offline-server-back.png", "06-live-again.png"})
    EXPECT_TRUE(fs::exists(shots_ / shot)) << shot;
  // The evacuation list printed from the offline copy, marked as such, with the people in it.
  const std::string pdf = (work_ / "evacuation-list.pdf").string();
  ASSERT_TRUE(fs::exists(pdf));
  std::string text;
  FILE* p = ::popen(("pdftotext -layout '" + pdf + "' -").c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  while (auto n = std::fread(buf, 1, sizeof buf, p)) text.append(buf, n);
  ::pclose(p);
  EXPECT_NE(text.find("Alice Inside"), std::string::npos) << text;
  EXPECT_NE(text.find("Oscar Overstay"), std::string::npos) << text;
  EXPECT_NE(text.find("offline copy saved at"), std::string::npos) << text;
  EXPECT_NE(text.find("FROM LOCAL CACHE"), std::string::npos) << text;
}

TEST_F(ConsoleUiTest, TheOfflineScreensInRussian) {
  saveTheListOnce();
  server_->kill();
  const pid_t pid = spawnConsole(demo_.guardEmails[0], R"(
wait-screen signin-unreachable 60
screenshot signin-unreachable-ru
tap signin.offline
wait-screen offline-unlock 10
fill offline.password неверный
tap offline.open
wait-screen offline-refused 60
screenshot offline-refused-ru
fill offline.password gatehouse-demo
tap offline.open
wait-screen offline-list 60
expect offline_list = 3
wait-screen expect-ok 5
screenshot offline-list-ru
)",
                                 "ru");
  ASSERT_EQ(waitConsole(pid), 0);
  for (const char* shot :
       {"01-signin-unreachable-ru.png", "02-offline-refused-ru.png", "03-offline-list-ru.png"})
    EXPECT_TRUE(fs::exists(shots_ / shot)) << shot;
}

TEST_F(ConsoleUiTest, SigtermEndsTheSignedInConsoleWithinTwoSeconds) {
  const pid_t pid = spawnConsole(demo_.guardEmails[0],
                                 "tap signin.submit\nwait-screen overview 30\n"
                                 "screenshot ready\nwait-screen never 600\n");
  // Signed in, the live stream open, a frame drawn: now stop it.
  ASSERT_TRUE(
      waitUntil([&] { return fs::exists(shots_ / "01-ready.png"); }, std::chrono::seconds(60)));
  const auto t0 = std::chrono::steady_clock::now();
  ::kill(pid, SIGTERM);
  int status = 0;
  const bool ended =
      waitUntil([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, std::chrono::seconds(10));
  const auto took = std::chrono::steady_clock::now() - t0;
  if (!ended) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  ASSERT_TRUE(ended);
  EXPECT_LT(took, std::chrono::seconds(2));
  EXPECT_TRUE(WIFEXITED(status));
}

TEST_F(ConsoleUiTest, NoDisplayIsAClearMessageAndANonZeroExit) {
  const std::string cmd = "env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER " +
                          std::string(std::getenv("GATEHOUSE_CONSOLE_BIN")) + " --config '" +
                          (work_ / "console.toml").string() + "' --windowed --lang-dir '" +
                          std::string(std::getenv("GATEHOUSE_SOURCE_DIR")) +
                          "/assets/lang/console' 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[512];
  while (auto n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = ::pclose(p);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 0);
  EXPECT_NE(out.find("no display"), std::string::npos) << out;
}

}  // namespace
}  // namespace gatehouse::console::test
