// One simulated kiosk for the fault run: the real outbox, backend worker and kiosk remote doing
// visit lifecycles (walk-in, guard PIN approval, check-in, exit at any gate, cancels, alerts), and
// a journal of every event it created, kept outside the outbox. SIGKILL it at any time and restart.
//
// Visitors are modelled outside the kiosk: a checked-in visitor's badge is a file in the shared
// pool folder (inside/), which any kiosk may claim for an exit, as a visitor walks to any gate.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/pass.hpp"
#include "gatehouse/flow/event_queue.hpp"
#include "gatehouse/kiosk/outbox.hpp"
#include "gatehouse/kiosk/remote_kiosk.hpp"
#include "gatehouse/kiosk/sync.hpp"

namespace fs = std::filesystem;
using namespace gatehouse;
using namespace gatehouse::kiosk;

namespace {

struct Options {
  std::string db, token, dir, pool;
  std::int64_t kioskId = 0, unitId = 0, guardId = 0;
  std::uint64_t seed = 1;
};

Options parseArgs(int argc, char** argv) {
  std::map<std::string, std::string> a;
  for (int i = 1; i + 1 < argc; i += 2) a[argv[i]] = argv[i + 1];
  Options o;
  o.db = a["--db"];
  o.token = a["--token"];
  o.dir = a["--dir"];
  o.pool = a["--pool"];
  o.kioskId = std::stoll(a.at("--kiosk"));
  o.unitId = std::stoll(a.at("--unit"));
  o.guardId = std::stoll(a.at("--guard"));
  o.seed = std::stoull(a.at("--seed"));
  return o;
}

// Appends lines durably: a journalled event was in the outbox before its line was written.
class Journal {
 public:
  explicit Journal(const fs::path& path) {
    std::ifstream in(path);
    for (std::string id, rest; in >> id && std::getline(in, rest);) known_.insert(id);
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  ~Journal() { ::close(fd_); }
  void record(Outbox& outbox, const Uuid& visit, const std::string& marker = "-") {
    for (const auto& e : outbox.history(visit)) {
      const std::string id = e.id.toString();
      if (!known_.insert(id).second) continue;
      const std::string line = id + " " + e.kind + " " + visit.toString() + " " + marker + "\n";
      if (::write(fd_, line.data(), line.size()) < 0) std::perror("journal");
      ::fdatasync(fd_);
    }
  }

 private:
  int fd_ = -1;
  std::set<std::string> known_;
};

void writeDurably(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (::write(fd, text.data(), text.size()) < 0) std::perror("badge");
  ::fsync(fd);
  ::close(fd);
  fs::rename(tmp, path);
}

bool hasEvent(Outbox& outbox, const Uuid& visit, const std::string& kind) {
  for (const auto& e : outbox.history(visit))
    if (e.kind == kind) return true;
  return false;
}

class FaultKiosk {
 public:
  explicit FaultKiosk(Options o)
      : o_(std::move(o)), rng_(o_.seed), journal_(fs::path(o_.dir) / "journal.txt") {
    fs::create_directories(fs::path(o_.dir) / "printing");
    fs::create_directories(fs::path(o_.dir) / "exiting");
    fs::create_directories(fs::path(o_.pool) / "inside");
  }

  int run() {
    auto opened = Outbox::open((fs::path(o_.dir) / "outbox.sqlite").string());
    if (!opened) {
      std::cerr << "outbox: " << opened.error().message << "\n";
      return 2;
    }
    outbox_ = std::move(opened.value());
    recover();
    flow::EventQueue events;
    WorkerOptions wo;
    wo.heartbeatEvery = std::chrono::milliseconds(1000);
    wo.maxBackoff = std::chrono::milliseconds(1000);
    wo.deferEvery = std::chrono::seconds(1);
    wo.maxDefer = std::chrono::seconds(4);
    BackendWorker worker(
        *outbox_, events, [this] { return connectKioskRemote(o_.db, o_.kioskId, o_.token); }, wo);
    OutboxVisitBackend backend(*outbox_, worker, SystemClock::instance());
    worker.start();
    while (!fs::exists(fs::path(o_.pool) / "quit")) {
      (void)events.drain();
      const bool draining = fs::exists(fs::path(o_.pool) / "drain");
      if (!draining) startSomething(backend);
      if (draining || coin(0.5)) exitOne(backend);
      if (draining) reportDrained();
      pace();
    }
    worker.stop();
    return 0;
  }

 private:
  // After a crash: unfinished visits are cancelled (as the kiosk does), badges being printed or
  // claimed are settled against what the outbox holds.
  void recover() {
    const auto unfinished = outbox_->unfinishedVisits();
    recoverUnfinishedVisits(*outbox_);
    for (const auto& v : unfinished) journal_.record(*outbox_, v);
    for (const auto& f : fs::directory_iterator(fs::path(o_.dir) / "printing")) {
      const auto visit = Uuid::parse(f.path().stem().string());
      if (visit && hasEvent(*outbox_, *visit, "check_in")) {
        journal_.record(*outbox_, *visit);
        fs::rename(f.path(), fs::path(o_.pool) / "inside" / f.path().filename());
      } else {
        fs::remove(f.path());
      }
    }
    for (const auto& f : fs::directory_iterator(fs::path(o_.dir) / "exiting")) {
      const auto visit = Uuid::parse(f.path().stem().string());
      if (visit && hasEvent(*outbox_, *visit, "check_out")) {
        journal_.record(*outbox_, *visit);
        fs::remove(f.path());
      } else {
        fs::rename(f.path(), fs::path(o_.pool) / "inside" / f.path().filename());
      }
    }
  }

  bool coin(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  // A visitor's think time between actions: the workload's own rhythm, drawn from the seed. No
  // result is waited for here; every wait for an outcome polls state with a deadline.
  void pace() {
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 120)(rng_)));
  }
  std::vector<std::uint8_t> photo(const Uuid& visit, const std::string& what) {
    const std::string s = "\xFF\xD8 fake jpeg " + what + " " + visit.toString();
    return {s.begin(), s.end()};
  }

  void startSomething(OutboxVisitBackend& backend) {
    const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    const Uuid visit = Uuid::random();
    if (r < 0.1) {
      const std::string marker = Uuid::random().toString();
      backend.raiseAlert("help_requested", std::nullopt, "{\"marker\":\"" + marker + "\"}");
      journal_.record(*outbox_, Uuid{}, marker);
      return;
    }
    flow::VisitRequest req;
    req.visitId = visit;
    req.unitId = o_.unitId;
    req.visitor = {"Fault Visitor " + visit.toString().substr(0, 8), "7900", "guest", "", ""};
    req.requestedAt = SystemClock::instance().unixSeconds();
    req.photoJpeg = photo(visit, "entry");
    backend.requestVisit(req);
    journal_.record(*outbox_, visit);
    pace();
    if (r < 0.25) {
      backend.cancelVisit(visit);
      journal_.record(*outbox_, visit);
      return;
    }
    backend.guardApprovedAtKiosk(visit, std::to_string(o_.guardId), "");  // offline PIN
    journal_.record(*outbox_, visit);
    pace();
    const ExitToken token = ExitToken::generate(visit);
    const fs::path badge = fs::path(o_.dir) / "printing" / (visit.toString() + ".badge");
    writeDurably(badge, token.encode());
    backend.checkIn(visit, token);
    journal_.record(*outbox_, visit);
    fs::rename(badge, fs::path(o_.pool) / "inside" / badge.filename());
  }

  // A visitor inside walks up to this gate and shows their badge.
  void exitOne(OutboxVisitBackend& backend) {
    std::vector<fs::path> inside;
    for (const auto& f : fs::directory_iterator(fs::path(o_.pool) / "inside"))
      if (f.path().extension() == ".badge") inside.push_back(f.path());
    if (inside.empty()) return;
    const fs::path pick =
        inside[std::uniform_int_distribution<std::size_t>(0, inside.size() - 1)(rng_)];
    const fs::path mine = fs::path(o_.dir) / "exiting" / pick.filename();
    std::error_code ec;
    fs::rename(pick, mine, ec);  // another gate may have taken this visitor first
    if (ec) return;
    std::ifstream in(mine);
    std::string text;
    in >> text;
    auto token = parseExitToken(text);
    if (!token) {
      fs::remove(mine);
      return;
    }
    backend.checkOut(token.value(), photo(token.value().visitId, "exit"));
    journal_.record(*outbox_, token.value().visitId);
    fs::remove(mine);
  }

  void reportDrained() {
    const fs::path flag = fs::path(o_.dir) / "drained";
    if (outbox_->depth() == 0) {
      if (!fs::exists(flag)) writeDurably(flag, "0");
    } else if (fs::exists(flag)) {
      fs::remove(flag);
    }
  }

  Options o_;
  std::mt19937_64 rng_;
  Journal journal_;
  std::unique_ptr<Outbox> outbox_;
};

}  // namespace

int main(int argc, char** argv) {
  try {
    return FaultKiosk(parseArgs(argc, argv)).run();
  } catch (const std::exception& e) {
    std::cerr << "fault_kiosk: " << e.what() << "\n";
    return 2;
  }
}
