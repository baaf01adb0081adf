// The outbox promise under seeded random faults: three fault_kiosk processes (real outbox, worker
// and kiosk remote) run visits against a private PostgreSQL while an injector crashes and
// fast-stops the database, kills kiosk connections and SIGKILLs kiosks. Afterwards every journalled
// event is in the database exactly once, no visit is half-made and every evidence chain verifies.
//   GATEHOUSE_FAULTS=1000 GATEHOUSE_FAULT_SEED=7 build/ci/tests/e2e/faults/fault_run_tests
// (a run from the build folder; GATEHOUSE_SOURCE_DIR names the checkout for scripts/pg-cluster).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "fault_cluster.hpp"
#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/migrator.hpp"
#include "gatehouse/testing/wait.hpp"

extern char** environ;

namespace gatehouse::faults {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::int64_t envInt(const char* name, std::int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::stoll(v) : fallback;
}

// The driver binary; GATEHOUSE_FAULT_KIOSK_BIN overrides it (a long run from a copied build).
const char* faultKioskBin() {
  const char* b = std::getenv("GATEHOUSE_FAULT_KIOSK_BIN");
  return b && *b ? b : FAULT_KIOSK_BIN;
}

// One kiosk installation (folder with outbox and journal) whose process can be killed and
// restarted.
class KioskProcess {
 public:
  KioskProcess(fs::path dir, std::vector<std::string> args)
      : dir_(std::move(dir)), args_(std::move(args)) {
    fs::create_directories(dir_);
  }
  ~KioskProcess() { kill9(); }
  void start(std::uint64_t seed) {
    std::vector<std::string> args{faultKioskBin(), "--dir", dir_.string(), "--seed",
                                  std::to_string(seed)};
    args.insert(args.end(), args_.begin(), args_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, (dir_ / "stderr.log").c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (posix_spawn(&pid_, faultKioskBin(), &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  bool waitExit(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return true;
    const bool done =
        testing::waitUntil([&] { return waitpid(pid_, nullptr, WNOHANG) == pid_; }, timeout);
    if (done) pid_ = -1;
    return done;
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
  std::vector<std::string> args_;
  pid_t pid_ = -1;
};

struct JournalLine {
  std::string id, kind, visit, marker;
};

std::vector<JournalLine> readJournal(const fs::path& path) {
  std::vector<JournalLine> out;
  std::ifstream in(path);
  for (JournalLine l; in >> l.id >> l.kind >> l.visit >> l.marker;) out.push_back(l);
  return out;
}

// Outbox rows not delivered: state 'pending' or 'refused', with their result.
std::vector<std::string> undelivered(const fs::path& outbox) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(outbox.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return {"cannot open " + outbox.string()};
  }
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT kind, state, coalesce(result, last_error, '') FROM outbox WHERE state "
                     "<> 'sent'",
                     -1, &st, nullptr);
  while (st && sqlite3_step(st) == SQLITE_ROW) {
    std::string line;
    for (int c = 0; c < 3; ++c)
      line += std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, c))) + " ";
    out.push_back(line);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

struct Figures {
  int faults = 0, visits = 0, events = 0, lost = 0, duplicated = 0, halfMade = 0, falseAlerts = 0;
  std::vector<std::string> problems;  // the first few, for the failure message
  void problem(const std::string& p) {
    if (problems.size() < 25) problems.push_back(p);
  }
};

struct VisitRow {
  std::string status, channel, exitEvent;
  bool entered = false;
};

class FaultRun : public ::testing::Test {
 protected:
  void SetUp() override {
    backend::Connection(cluster_.url()).exec("CREATE DATABASE gatehouse");
    backend::Connection c(cluster_.url("gatehouse"));
    backend::Migrator(c).migrate();
    ASSERT_TRUE(cluster_.setPasswords());
    demo_ = backend::seedDemo(c);
    // Every fault kiosk approves by PIN while cut off, far more often than a real outage allows.
    c.exec("UPDATE gh.estate SET offline_pin_approvals = 1000000");
    unit_ = c.exec("SELECT id FROM gh.unit WHERE label = 'A-101'")[0].int64("id");
    guard_ =
        c.exec("SELECT id FROM gh.person WHERE role = 'guard' ORDER BY id LIMIT 1")[0].int64("id");
    work_ = fs::path(cluster_.dir()) / "kiosks";
    fs::create_directories(work_ / "pool");
    for (std::size_t k = 0; k < demo_.kiosks.size(); ++k) {
      const auto& kiosk = demo_.kiosks[k];
      kiosks_.push_back(std::make_unique<KioskProcess>(
          work_ / ("kiosk" + std::to_string(k + 1)),
          std::vector<std::string>{"--db", cluster_.url("gatehouse", "gatehouse_kiosk"), "--kiosk",
                                   std::to_string(kiosk.kioskId), "--token", kiosk.token, "--pool",
                                   (work_ / "pool").string(), "--unit", std::to_string(unit_),
                                   "--guard", std::to_string(guard_)}));
    }
  }

  // One fault, chosen by the seeded generator; the database is up again when it returns.
  std::string injectOne(std::mt19937_64& rng, std::uint64_t& starts) {
    const int pick = std::uniform_int_distribution<int>(0, 99)(rng);
    if (pick < 25) {
      EXPECT_TRUE(cluster_.crash());
      awaitProgress(rng, 0, 50);
      EXPECT_TRUE(cluster_.start());
      return "db_immediate";
    }
    if (pick < 45) {
      EXPECT_TRUE(cluster_.stopFast());
      awaitProgress(rng, 0, 50);
      EXPECT_TRUE(cluster_.start());
      return "db_fast";
    }
    if (pick < 70) {
      backend::Connection c(cluster_.url("gatehouse"));
      c.exec(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = "
          "'gatehouse_kiosk'");
      return "kill_connections";
    }
    auto& k = *kiosks_[std::uniform_int_distribution<std::size_t>(0, kiosks_.size() - 1)(rng)];
    k.kill9();
    awaitProgress(rng, 0, 90);
    k.start(rng() ^ ++starts);
    return "sigkill_kiosk";
  }

  // The next fault comes after the kiosks have journalled a random number of further events
  // (drawn from the seed), so faults land between real progress on any machine speed. The
  // deadline only keeps the schedule moving when every kiosk is down or waiting.
  void awaitProgress(std::mt19937_64& rng, int minEvents, int maxEvents) {
    const auto target =
        journalledLines() + std::uniform_int_distribution<int>(minEvents, maxEvents)(rng);
    testing::waitUntil([&] { return journalledLines() >= target; }, 10s);
  }
  long journalledLines() const {
    long n = 0;
    for (const auto& k : kiosks_) {
      std::ifstream in(k->dir() / "journal.txt");
      n += std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n');
    }
    return n;
  }

  bool drain(std::chrono::milliseconds timeout) {
    std::ofstream(work_ / "pool" / "drain") << "1";
    return testing::waitUntil(
        [&] {
          for (const auto& k : kiosks_)
            if (!fs::exists(k->dir() / "drained")) return false;
          for (const auto& f : fs::directory_iterator(work_ / "pool" / "inside"))
            if (f.path().extension() == ".badge") return false;
          return true;
        },
        timeout);
  }

  Figures check() {
    Figures f;
    backend::Connection c(cluster_.url("gatehouse"));
    std::map<std::string, VisitRow> visits;
    const auto rows = c.exec(
        "SELECT id::text AS id, status::text AS status, coalesce(decision_channel::text, '') AS "
        "channel, entered_at IS NOT NULL AS entered, coalesce(exit_event_id::text, '') AS "
        "exit_event FROM gh.visit");
    for (std::size_t i = 0; i < rows.size(); ++i)
      visits[rows[i].text("id")] = {rows[i].text("status"), rows[i].text("channel"),
                                    rows[i].text("exit_event"), rows[i].boolean("entered")};
    std::set<std::string> evidence;
    const auto ev = c.exec("SELECT id::text AS id FROM gh.evidence");
    for (std::size_t i = 0; i < ev.size(); ++i) evidence.insert(ev[i].text("id"));
    std::map<std::string, std::int64_t> alerts;
    const auto al = c.exec(
        "SELECT details->>'marker' AS m, count(*) AS n FROM gh.alert WHERE details ? 'marker' "
        "GROUP BY 1");
    for (std::size_t i = 0; i < al.size(); ++i) alerts[al[i].text("m")] = al[i].int64("n");
    std::set<std::string> journalled;
    for (const auto& k : kiosks_) {
      for (const auto& l : readJournal(k->dir() / "journal.txt")) {
        ++f.events;
        if (l.kind != "alert") journalled.insert(l.visit);
        checkEvent(l, visits, evidence, alerts, f);
      }
      for (const auto& u : undelivered(k->dir() / "outbox.sqlite"))
        f.problem(k->dir().filename().string() + " undelivered: " + u);
    }
    f.visits = static_cast<int>(journalled.size());
    for (const auto& v : journalled) {
      auto it = visits.find(v);
      if (it != visits.end() && it->second.status != "checked_out" &&
          it->second.status != "cancelled") {
        ++f.halfMade;
        f.problem("half-made visit " + v + " left " + it->second.status);
      }
    }
    checkDuplicates(c, f);
    for (const auto& k : demo_.kiosks) {
      EXPECT_TRUE(
          c.exec("SELECT gh.verify_evidence_chain($1) IS NULL AS ok", {k.kioskId})[0].boolean("ok"))
          << "evidence chain of kiosk " << k.kioskId << " is broken";
    }
    return f;
  }

  static void checkEvent(const JournalLine& l, const std::map<std::string, VisitRow>& visits,
                         const std::set<std::string>& evidence,
                         const std::map<std::string, std::int64_t>& alerts, Figures& f) {
    const auto it = visits.find(l.visit);
    const VisitRow* v = it == visits.end() ? nullptr : &it->second;
    bool there = true;
    if (l.kind == "alert") {
      if (l.marker == "-") return;
      const auto a = alerts.find(l.marker);
      const std::int64_t n = a == alerts.end() ? 0 : a->second;
      if (n > 1) {
        ++f.duplicated;
        f.problem("alert " + l.id + " raised " + std::to_string(n) + " times");
      }
      there = n > 0;
    } else if (l.kind == "request_visit") {
      there = v != nullptr;
    } else if (l.kind == "evidence") {
      there = evidence.count(l.id) > 0;
    } else if (l.kind == "guard_approve") {
      there = v && v->channel == "guard_pin";
    } else if (l.kind == "check_in") {
      there = v && v->entered;
    } else if (l.kind == "check_out") {
      there = v && v->status == "checked_out" && v->exitEvent == l.id;
    } else if (l.kind == "cancel") {
      there = v && v->status == "cancelled";
    }
    if (!there) {
      ++f.lost;
      f.problem("lost " + l.kind + " " + l.id + " of visit " + l.visit +
                (v ? " (visit " + v->status + ")" : " (no visit)"));
    }
  }

  void checkDuplicates(backend::Connection& c, Figures& f) {
    const auto extraVisitors =
        c.exec("SELECT (SELECT count(*) FROM gh.visitor) - (SELECT count(*) FROM gh.visit) AS n")[0]
            .int64("n");
    if (extraVisitors != 0) {
      f.duplicated += static_cast<int>(extraVisitors);
      f.problem(std::to_string(extraVisitors) + " visitor rows without their own visit");
    }
    const auto extraNotes =
        c.exec(
             "SELECT coalesce(sum(n - 1), 0) AS n FROM (SELECT count(*) AS n FROM gh.notification "
             "WHERE kind = 'visit_request' GROUP BY person_id, payload->>'visit') s")[0]
            .int64("n");
    if (extraNotes != 0) {
      f.duplicated += static_cast<int>(extraNotes);
      f.problem(std::to_string(extraNotes) + " repeated visit_request notifications");
    }
    const auto extraAudit = c.exec(
                                 "SELECT coalesce(sum(n - 1), 0) AS n FROM (SELECT count(*) AS n "
                                 "FROM gh.audit_log WHERE "
                                 "action LIKE 'evidence.%' GROUP BY subject) s")[0]
                                .int64("n");
    if (extraAudit != 0) {
      f.duplicated += static_cast<int>(extraAudit);
      f.problem(std::to_string(extraAudit) + " repeated evidence audit rows");
    }
    // Every badge in this run is genuine: an exit alert is a false alarm for the guard.
    f.falseAlerts = static_cast<int>(
        c.exec("SELECT count(*) AS n FROM gh.alert WHERE kind IN ('unknown_badge', "
               "'not_checked_in', 'badge_used')")[0]
            .int64("n"));
  }

  FaultCluster cluster_;
  backend::DemoEstate demo_;
  std::int64_t unit_ = 0, guard_ = 0;
  fs::path work_;
  std::vector<std::unique_ptr<KioskProcess>> kiosks_;
};

TEST_F(FaultRun, EveryJournalledEventArrivesExactlyOnceUnderRandomFaults) {
  const auto faults = envInt("GATEHOUSE_FAULTS", 100);
  const auto seed = static_cast<std::uint64_t>(envInt("GATEHOUSE_FAULT_SEED", 15));
  const auto started = std::chrono::steady_clock::now();
  std::mt19937_64 rng(seed);
  std::uint64_t starts = 0;
  for (auto& k : kiosks_) k->start(rng() ^ ++starts);
  std::map<std::string, int> kinds;
  for (int i = 0; i < faults; ++i) {
    awaitProgress(rng, 12, 75);
    ++kinds[injectOne(rng, starts)];
    if ((i + 1) % 100 == 0) std::cout << "faults injected: " << i + 1 << std::endl;
  }
  const bool drained = drain(240s);
  std::ofstream(work_ / "pool" / "quit") << "1";
  for (auto& k : kiosks_)
    if (!k->waitExit(30s)) k->kill9();
  Figures f = check();
  f.faults = static_cast<int>(faults);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::ostringstream summary;
  summary << "fault run seed=" << seed << " faults=" << f.faults << " (";
  for (const auto& [kind, n] : kinds) summary << kind << "=" << n << " ";
  summary << ") visits=" << f.visits << " events=" << f.events << " lost=" << f.lost
          << " duplicated=" << f.duplicated << " half_made=" << f.halfMade
          << " false_alerts=" << f.falseAlerts << " drained=" << drained << " wall=" << wall << "s";
  std::cout << summary.str() << "\n";
  std::string detail;
  for (const auto& p : f.problems) detail += "  " + p + "\n";
  EXPECT_TRUE(drained) << summary.str() << "\n" << detail;
  EXPECT_GT(f.visits, 0) << summary.str();
  EXPECT_EQ(f.lost, 0) << summary.str() << "\n" << detail;
  EXPECT_EQ(f.duplicated, 0) << summary.str() << "\n" << detail;
  EXPECT_EQ(f.halfMade, 0) << summary.str() << "\n" << detail;
  EXPECT_EQ(f.falseAlerts, 0) << summary.str() << "\n" << detail;
}

}  // namespace
}  // namespace gatehouse::faults
