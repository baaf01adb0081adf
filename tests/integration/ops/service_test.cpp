// The packaged programs under a stand-in service manager: READY=1, watchdog pings, SIGHUP reload.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "gatehouse/testing/test_database.hpp"
#include "gatehouse/testing/wait.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using gatehouse::testing::waitUntil;

// A NOTIFY_SOCKET like systemd's: collects every datagram a child sends.
class NotifySocket {
 public:
  explicit NotifySocket(const fs::path& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind");
    timeval tv{0, 100000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    reader_ = std::thread([this] {
      std::array<char, 4096> buf{};
      while (!stop_) {
        const auto n = recv(fd_, buf.data(), buf.size(), 0);
        if (n <= 0) continue;
        std::lock_guard lock(m_);
        messages_.emplace_back(buf.data(), static_cast<std::size_t>(n));
      }
    });
  }
  ~NotifySocket() {
    stop_ = true;
    reader_.join();
    close(fd_);
  }
  int count(const std::string& needle) {
    std::lock_guard lock(m_);
    int n = 0;
    for (const auto& m : messages_) n += m.find(needle) != std::string::npos;
    return n;
  }
  std::string find(const std::string& needle) {
    std::lock_guard lock(m_);
    for (const auto& m : messages_)
      if (m.find(needle) != std::string::npos) return m;
    return {};
  }

 private:
  fs::path path_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread reader_;
  std::mutex m_;
  std::vector<std::string> messages_;
};

// A child process with NOTIFY_SOCKET and a 400 ms watchdog (pings due every 200 ms).
class Child {
 public:
  Child(std::vector<std::string> argv, const fs::path& notify, const fs::path& log) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    env.push_back("NOTIFY_SOCKET=" + notify.string());
    env.push_back("WATCHDOG_USEC=400000");
    std::vector<char*> a, e;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    for (auto& s : env) e.push_back(s.data());
    e.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    if (posix_spawn(&pid_, a[0], &fa, nullptr, a.data(), e.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

std::string run(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    std::array<char, 512> b{};
    while (fgets(b.data(), b.size(), p)) out += b.data();
    pclose(p);
  }
  return out;
}

struct Workdir {
  fs::path path;
  Workdir() {
    std::string t = (fs::temp_directory_path() / "gh-svc-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~Workdir() { fs::remove_all(path); }
};

void makeCert(const fs::path& dir, const std::string& cn) {
  ASSERT_EQ(
      std::system(("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                   "-days 2 -subj /CN=" +
                   cn + " -keyout '" + (dir / "key.pem").string() + "' -out '" +
                   (dir / "cert.pem").string() + "' 2>/dev/null")
                      .c_str()),
      0);
}

std::string servedFingerprint(int port) {
  return run("openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
             " </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 2>/dev/null");
}

// Read at test time: the generated environment defaults are set by another static initialiser.
std::string binDir() { return std::getenv("GATEHOUSE_BINARY_DIR"); }

TEST(Service, ServerSignalsReadinessFeedsTheWatchdogAndReloadsItsCertificateOnSighup) {
  gatehouse::testing::TestDatabase db;
  Workdir w;
  makeCert(w.path, "first.example");
  NotifySocket notify(w.path / "notify");
  Child portal({binDir() + "/portal/gatehouse-portal", "--port", "0", "--no-access-log",
                "--database-url", db.urlAs("gatehouse_server"), "--tls-cert",
                (w.path / "cert.pem").string(), "--tls-key", (w.path / "key.pem").string()},
               w.path / "notify", w.path / "portal.log");
  ASSERT_GT(portal.pid(), 0);
  ASSERT_TRUE(waitUntil([&] { return notify.count("READY=1") > 0; }, 60s))
      << run("cat '" + (w.path / "portal.log").string() + "'");
  const auto ready = notify.find("READY=1");
  const auto at = ready.find("https://127.0.0.1:");
  ASSERT_NE(at, std::string::npos) << ready;
  const int port = std::stoi(ready.substr(at + 18));
  EXPECT_TRUE(waitUntil([&] { return notify.count("WATCHDOG=1") >= 3; }, 30s));

  const auto first = servedFingerprint(port);
  ASSERT_NE(first.find("Fingerprint"), std::string::npos) << first;
  makeCert(w.path, "second.example");
  kill(portal.pid(), SIGHUP);
  EXPECT_TRUE(waitUntil([&] { return notify.count("RELOADING=1") > 0; }, 30s));
  EXPECT_TRUE(waitUntil([&] { return servedFingerprint(port) != first; }, 30s));
  EXPECT_EQ(servedFingerprint(port), run("openssl x509 -noout -fingerprint -sha256 -in '" +
                                         (w.path / "cert.pem").string() + "'"));

  // A broken certificate on reload keeps the old one serving instead of taking the site down.
  const auto second = servedFingerprint(port);
  std::ofstream(w.path / "cert.pem") << "not a certificate\n";
  const int reloads = notify.count("RELOADING=1");
  kill(portal.pid(), SIGHUP);
  EXPECT_TRUE(waitUntil([&] { return notify.count("RELOADING=1") > reloads; }, 30s));
  EXPECT_TRUE(waitUntil(
      [&] {
        return run("cat '" + (w.path / "portal.log").string() + "'").find("not reloaded") !=
               std::string::npos;
      },
      30s));
  EXPECT_EQ(servedFingerprint(port), second);
}

TEST(Service, WorkerSignalsReadinessAndPingsTheWatchdogEveryPass) {
  gatehouse::testing::TestDatabase db;
  Workdir w;
  std::ofstream(w.path / "worker.toml") << "[worker]\ninterval_ms = 50\n";
  NotifySocket notify(w.path / "notify");
  Child worker({binDir() + "/console/worker/gatehouse-worker", "--config",
                (w.path / "worker.toml").string(), "--database-url", db.urlAs("gatehouse_worker")},
               w.path / "notify", w.path / "worker.log");
  EXPECT_TRUE(waitUntil([&] { return notify.count("READY=1") == 1; }, 60s));
  EXPECT_TRUE(waitUntil([&] { return notify.count("WATCHDOG=1") >= 5; }, 60s));
  EXPECT_EQ(notify.count("READY=1"), 1);
}

TEST(Service, KioskFrameLoopSaysReadyOnceAndFeedsTheWatchdog) {
  gatehouse::testing::TestDatabase db;
  Workdir w;
  NotifySocket notify(w.path / "notify");
  const std::string src = std::getenv("GATEHOUSE_SOURCE_DIR");
  Child kiosk({binDir() + "/kiosk/gatehouse-kiosk", "--offscreen", "--config",
               src + "/config/kiosk.toml", "--database-url", db.urlAs("gatehouse_kiosk"),
               "--outbox", (w.path / "outbox.sqlite").string(), "--badge-dir",
               (w.path / "badges").string(), "--size", "640x400", "--fps", "30", "--frames", "120"},
              w.path / "notify", w.path / "kiosk.log");
  EXPECT_TRUE(waitUntil([&] { return notify.count("WATCHDOG=1") >= 3; }, 90s))
      << run("cat '" + (w.path / "kiosk.log").string() + "'");
  EXPECT_EQ(notify.count("READY=1"), 1);
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A database URL nobody answers: every housekeeping pass fails.
std::string deadDatabaseUrl(const fs::path& dir) {
  return "postgresql://gatehouse_worker@/gatehouse?host=" + dir.string() +
         "&port=1&connect_timeout=2";
}

TEST(Service, WorkerLogsAFailedPassAsAWarningOnStderr) {
  Workdir w;
  std::ofstream(w.path / "worker.toml") << "[worker]\ninterval_ms = 50\n";
  NotifySocket notify(w.path / "notify");
  Child worker({binDir() + "/console/worker/gatehouse-worker", "--config",
                (w.path / "worker.toml").string(), "--database-url", deadDatabaseUrl(w.path)},
               w.path / "notify", w.path / "worker.log");
  EXPECT_TRUE(waitUntil(
      [&] {
        return readFile(w.path / "worker.log").find("[warning] housekeeping failed") !=
               std::string::npos;
      },
      60s))
      << readFile(w.path / "worker.log");
  EXPECT_NE(readFile(w.path / "worker.log").find("[info] housekeeping every 50 ms"),
            std::string::npos);
}

// Under systemd (JOURNAL_STREAM set) the worker writes to the journal's native socket with a
// PRIORITY per message. The child gets its own /run (a private mount namespace) whose
// systemd/journal/socket is this test's listener.
TEST(Service, WorkerLogsToTheJournalWithLevelsUnderSystemd) {
  Workdir w;
  std::ofstream(w.path / "worker.toml") << "[worker]\ninterval_ms = 50\n";
  fs::create_directories(w.path / "run/systemd/journal");
  NotifySocket journal(w.path / "run/systemd/journal/socket");
  setenv("JOURNAL_STREAM", "8:12345", 1);
  const std::string script = "mount --bind \"$0\" /run && exec \"$@\"";
  Child worker(
      {"/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script,
       (w.path / "run").string(), binDir() + "/console/worker/gatehouse-worker", "--config",
       (w.path / "worker.toml").string(), "--database-url", deadDatabaseUrl(w.path)},
      w.path / "notify", w.path / "worker.log");
  unsetenv("JOURNAL_STREAM");
  // A multi-line message (libpq's) goes in the protocol's binary form, "MESSAGE\n<length>...".
  EXPECT_TRUE(waitUntil([&] { return !journal.find("housekeeping failed: ").empty(); }, 60s))
      << readFile(w.path / "worker.log");
  const auto warning = journal.find("housekeeping failed: ");
  EXPECT_NE(warning.find("PRIORITY=4\n"), std::string::npos) << warning;
  EXPECT_NE(warning.find("SYSLOG_IDENTIFIER=gatehouse-worker\n"), std::string::npos) << warning;
  const auto info = journal.find("MESSAGE=housekeeping every 50 ms");
  EXPECT_NE(info.find("PRIORITY=6\n"), std::string::npos) << info;
  EXPECT_EQ(readFile(w.path / "worker.log").find("housekeeping failed"), std::string::npos)
      << "under systemd the lines go to the journal, not stderr";
}

}  // namespace
