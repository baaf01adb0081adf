// Runs the real gatehouse-kiosk binary offscreen with a script, a config written for the test,
// a throwaway database and a private CUPS queue; helpers to look at what it left behind.
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/connection.hpp"
#include "gatehouse/backend/migrator.hpp"
#include "gatehouse/core/pass.hpp"
#include "gatehouse/core/signing_keys.hpp"
#include "gatehouse/devices/barcode.hpp"
#include "gatehouse/testing/wait.hpp"

extern char** environ;

namespace gatehouse::e2e {

// Source and build folders: from ctest's environment, else from the build (benchmarks run by hand).
inline std::string sourceDir() {
  const char* d = std::getenv("GATEHOUSE_SOURCE_DIR");
  return d ? d : KIOSK_SOURCE_DIR;
}
inline std::string binaryDir() {
  const char* d = std::getenv("GATEHOUSE_BINARY_DIR");
  return d ? d : KIOSK_BINARY_DIR;
}

inline std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void writeFile(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

struct KioskSetup {
  std::string databaseUrl;
  std::string printer = "simulated";  // or cups:QUEUE
  std::string cupsServer;
  int approvalSeconds = 60;
  std::string language = "en";
  std::string theme = "light";
  std::vector<std::string> extraArgs;  // e.g. --bench
  std::string scanner = "simulated";   // "camera": codes and MRZs are read from the camera
  std::string cameraSource;            // footage for the simulated camera ("" = the demo)
  bool screenshots = true;
  std::string extraToml;  // appended to kiosk.toml (e.g. [devices.usb] and [gate])
  std::string size = "1280x720";
};

// The estate's document pepper the test kiosks are provisioned with.
inline const std::string kTestDocumentPepper = "e2e-kiosk-document-pepper-0123456789";

// One kiosk "installation": its folder (config, outbox, badges, screenshots) survives restarts.
class Kiosk {
 public:
  Kiosk(const std::string& name, KioskSetup setup) : setup_(std::move(setup)) {
    dir_ = std::filesystem::path(binaryDir()) / "e2e-kiosk" / name;
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::ostringstream cfg;
    writeFile(dir_ / "document-pepper", kTestDocumentPepper + "\n");  // as seed-demo provisions
    cfg << "[kiosk]\nestate_id = 1\nkiosk_id = 1\ntoken = \"demo-kiosk-1-token\"\nname = \"Harbour "
           "View - Main gate\"\n"
        << "document_pepper_file = \"" << (dir_ / "document-pepper").string() << "\"\n"
        << "[database]\nurl = \"" << setup_.databaseUrl << "\"\n"
        << "[storage]\noutbox = \"" << (dir_ / "outbox.sqlite").string() << "\"\n"
        << "[devices]\ncamera = \"simulated\"\nscanner = \"" << setup_.scanner << "\"\nprinter = \""
        << setup_.printer << "\"\n"
        << (setup_.cameraSource.empty() ? "" : "camera_source = \"" + setup_.cameraSource + "\"\n")
        << "badge_dir = \"" << (dir_ / "badges").string() << "\"\n"
        << "[timeouts]\napproval_seconds = " << setup_.approvalSeconds
        << "\nheartbeat_seconds = 1\n"
        << "[ui]\ndefault_language = \"" << setup_.language << "\"\ntheme = \"" << setup_.theme
        << "\"\n"
        << "assets_dir = \"" << sourceDir() << "/assets\"\n"
        << setup_.extraToml;
    writeFile(dir_ / "kiosk.toml", cfg.str());
  }
  ~Kiosk() { stop(); }

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path file(const std::string& name) const { return dir_ / name; }

  // Starts the kiosk on `script` (text). Screenshots go to screens/<run>.
  void start(const std::string& script, const std::string& run = "run") {
    stop();
    ++runs_;
    writeFile(dir_ / (run + ".script"), script);
    std::filesystem::remove(dir_ / "status");
    const std::string shots = (dir_ / "screens" / run).string();
    std::vector<std::string> args{KIOSK_BIN,
                                  "--config",
                                  (dir_ / "kiosk.toml").string(),
                                  "--offscreen",
                                  "--size",
                                  setup_.size,
                                  "--fps",
                                  "60",
                                  "--script",
                                  (dir_ / (run + ".script")).string(),
                                  "--status-file",
                                  (dir_ / "status").string()};
    if (setup_.screenshots) {
      args.push_back("--screenshots");
      args.push_back(shots);
    }
    args.insert(args.end(), setup_.extraArgs.begin(), setup_.extraArgs.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env{"SDL_VIDEODRIVER=offscreen"};
    if (!setup_.cupsServer.empty()) env.push_back("CUPS_SERVER=" + setup_.cupsServer);
    for (char** e = environ; *e; ++e) {
      const std::string kv = *e;
      if (kv.rfind("SDL_VIDEODRIVER=", 0) != 0 && kv.rfind("CUPS_SERVER=", 0) != 0)
        env.push_back(kv);
    }
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, (dir_ / (run + ".out")).c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, (dir_ / (run + ".err")).c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    lastRun_ = run;
    if (posix_spawn(&pid_, KIOSK_BIN, &fa, nullptr, argv.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }

  // Waits for the kiosk to exit; returns its exit code (-1: still running at the deadline).
  int wait(std::chrono::seconds timeout = std::chrono::seconds(180)) {
    if (pid_ <= 0) return exitCode_;
    int status = 0;
    testing::waitUntil(
        [&] { return waitpid(pid_, &status, WNOHANG) == pid_ ? (pid_ = -1, true) : false; },
        std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
    if (pid_ > 0) return -1;
    exitCode_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exitCode_;
  }

  void kill9() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }

  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      if (wait(std::chrono::seconds(10)) == -1) kill9();
    }
  }

  // "screen online|offline" as the kiosk last wrote it.
  std::string status() const {
    std::string s = readFile(dir_ / "status");
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  }
  bool waitScreen(const std::string& screen,
                  std::chrono::seconds timeout = std::chrono::seconds(60)) const {
    return testing::waitUntil([&] { return status().rfind(screen + " ", 0) == 0; },
                              std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
  }
  void release(const std::string& flag) const { writeFile(dir_ / flag, "go"); }
  std::string flagPath(const std::string& flag) const { return (dir_ / flag).string(); }

  std::string log() const {
    return "--- stdout\n" + readFile(dir_ / (lastRun_ + ".out")) + "--- stderr\n" +
           readFile(dir_ / (lastRun_ + ".err"));
  }
  std::vector<std::string> screenshots(const std::string& run) const {
    std::vector<std::string> out;
    for (const auto& f : std::filesystem::directory_iterator(dir_ / "screens" / run))
      out.push_back(f.path().filename());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  KioskSetup setup_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int exitCode_ = -1;
  int runs_ = 0;
  std::string lastRun_ = "run";
};

// Rasterises a PDF (poppler's pdftoppm) and decodes every QR code on it.
inline std::vector<std::string> qrCodesInPdf(const std::string& pdfBytes,
                                             const std::filesystem::path& work) {
  std::filesystem::create_directories(work);
  writeFile(work / "badge.pdf", pdfBytes);
  const std::string cmd = "pdftoppm -r 300 -png '" + (work / "badge.pdf").string() + "' '" +
                          (work / "page").string() + "'";
  std::vector<std::string> out;
  if (std::system(cmd.c_str()) != 0) return out;
  for (const auto& f : std::filesystem::directory_iterator(work)) {
    if (f.path().extension() != ".png") continue;
    devices::DecodeOptions o;
    o.formats = devices::CodeFormat::qr;
    o.thorough = true;
    for (const auto& c : devices::decodeCodes(cv::imread(f.path().string()), o))
      out.push_back(c.text);
  }
  return out;
}

// The demo's pass-signing keys from the last seedDemo: the server keeps them in a credential
// file, never in the database, so the tests that forge a resident's pass keep them here.
inline std::vector<SigningKey>& demoSigningKeys() {
  static std::vector<SigningKey> keys;
  return keys;
}
inline void seedDemoKeepingKeys(backend::Connection& c) {
  demoSigningKeys() = backend::seedDemo(c).signingKeys;
}

// A PostgreSQL cluster of the caller's own (scripts/pg-cluster), migrated and seeded with the demo
// estate, so a test can stop and start it mid-visit without disturbing others.
class PrivateCluster {
 public:
  PrivateCluster() {
    char tmpl[] = "/tmp/gh-e2e-pg-XXXXXX";
    dir_ = mkdtemp(tmpl);
    port_ = 55000 + static_cast<int>(::getpid() % 4000);
    if (!start()) throw std::runtime_error("pg-cluster start failed in " + dir_);
    backend::Connection admin(url("postgres"));
    admin.exec("CREATE DATABASE gatehouse");
    backend::Connection c(url("gatehouse"));
    backend::Migrator(c).migrate();
    if (run("passwords") != 0) throw std::runtime_error("pg-cluster passwords failed in " + dir_);
    seedDemoKeepingKeys(c);
  }
  ~PrivateCluster() {
    stop();
    std::filesystem::remove_all(dir_);
  }
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;
  bool start() { return run("start") == 0; }
  bool stop() { return run("stop") == 0; }
  std::string url(const std::string& db, const std::string& user = "postgres") const {
    return "postgresql://" + user + "@/" + db + "?host=" + dir_ + "&port=" + std::to_string(port_) +
           "&passfile=" + dir_ + "/pgpass";
  }

 private:
  int run(const std::string& cmd) {
    const std::string line = sourceDir() + "/scripts/pg-cluster " + cmd + " " + dir_ +
                             (cmd == "start" ? " " + std::to_string(port_) : "") + " >/dev/null";
    return std::system(line.c_str());
  }
  std::string dir_;
  int port_ = 0;
};

// Signs a pass for a new invitation to A-101 (valid as `sqlValidity`: "FROM_EXPR, UNTIL_EXPR").
inline std::string makePass(const std::string& dbUrl, const std::string& sqlValidity,
                            int maxUses = 1, bool revoked = false) {
  const std::string id = Uuid::random().toString();
  backend::Connection c(dbUrl);
  c.exec(
      "INSERT INTO gh.invitation (id, estate_id, host_id, unit_id, guest_name, valid_from, "
      "valid_until, max_uses, revoked_at) "
      "SELECT $1::uuid, 1, p.id, p.unit_id, 'Anna Guest', " +
          sqlValidity + ", $2::int, " + (revoked ? "now()" : "NULL") +
          " FROM gh.person p JOIN gh.unit u ON u.id = p.unit_id WHERE u.label = 'A-101' AND p.role "
          "= 'resident' LIMIT 1",
      {id, maxUses});
  auto row = c.exec(
      "SELECT extract(epoch FROM valid_from)::bigint AS f, extract(epoch FROM valid_until)::bigint "
      "AS u "
      "FROM gh.invitation WHERE id = $1::uuid",
      {id});
  const SigningKey* key = findSigningKey(demoSigningKeys(), 1, 1);
  if (!key) throw std::runtime_error("no demo signing key for estate 1");
  const SecretKey secret = key->secret;
  InvitationPass p;
  p.estateId = 1;
  p.keyId = 1;
  p.invitationId = *Uuid::parse(id);
  p.validFrom = row[0].int64("f");
  p.validUntil = row[0].int64("u");
  p.maxUses = static_cast<std::uint16_t>(maxUses);
  p.guestName = "Anna Guest";
  p.unitLabel = "A-101";
  return encodePass(p, secret);
}

}  // namespace gatehouse::e2e
