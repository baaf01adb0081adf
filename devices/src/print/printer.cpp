// Print states, the follow loop shared by every printer, the file printer and the factory.
#include "gatehouse/devices/printer.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "print_internal.hpp"

namespace gatehouse::devices {

std::string_view toString(PrintState s) {
  switch (s) {
    case PrintState::queued:
      return "queued";
    case PrintState::printing:
      return "printing";
    case PrintState::completed:
      return "completed";
    case PrintState::cancelled:
      return "cancelled";
    case PrintState::aborted:
      return "aborted";
    case PrintState::jobStopped:
      return "job_stopped";
    case PrintState::paused:
      return "paused";
    case PrintState::offline:
      return "offline";
    case PrintState::outOfPaper:
      return "out_of_paper";
    case PrintState::notAccepting:
      return "not_accepting";
    case PrintState::queueNotFound:
      return "queue_not_found";
    case PrintState::error:
      return "error";
    case PrintState::timedOut:
      return "timed_out";
  }
  return "error";
}

std::string_view describe(PrintState s) {
  switch (s) {
    case PrintState::queued:
      return "The badge is waiting to print.";
    case PrintState::printing:
      return "The badge is printing.";
    case PrintState::completed:
      return "The badge has printed.";
    case PrintState::cancelled:
      return "The print job was cancelled.";
    case PrintState::aborted:
      return "The print system gave up on the badge.";
    case PrintState::jobStopped:
      return "The printer stopped with an error (jam or fault).";
    case PrintState::paused:
      return "The printer queue is paused.";
    case PrintState::offline:
      return "The printer is offline.";
    case PrintState::outOfPaper:
      return "The printer is out of paper or labels.";
    case PrintState::notAccepting:
      return "The printer queue is not accepting jobs.";
    case PrintState::queueNotFound:
      return "The printer queue does not exist.";
    case PrintState::error:
      return "The print system could not be reached.";
    case PrintState::timedOut:
      return "The badge did not print in time.";
  }
  return "";
}

bool isFinal(PrintState s) {
  switch (s) {
    case PrintState::completed:
    case PrintState::cancelled:
    case PrintState::aborted:
    case PrintState::queueNotFound:
    case PrintState::notAccepting:
    case PrintState::error:
      return true;
    default:
      return false;
  }
}

bool needsAttention(PrintState s) {
  switch (s) {
    case PrintState::queued:
    case PrintState::printing:
    case PrintState::completed:
    case PrintState::cancelled:
      return false;
    default:
      return true;
  }
}

namespace {
bool trouble(PrintState s) {
  return s == PrintState::outOfPaper || s == PrintState::paused || s == PrintState::offline ||
         s == PrintState::jobStopped;
}
}  // namespace

PrintStatus BadgePrinter::follow(int jobId, std::chrono::milliseconds timeout,
                                 const std::function<void(const PrintStatus&)>& onChange) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  std::optional<PrintState> last;
  clock::time_point troubleSince{};
  bool inTrouble = false;
  for (;;) {
    PrintStatus s = jobStatus(jobId);
    if (!last || *last != s.state) {
      last = s.state;
      if (onChange) onChange(s);
    }
    if (isFinal(s.state)) return s;
    const auto now = clock::now();
    if (trouble(s.state)) {
      if (!inTrouble) troubleSince = now, inTrouble = true;
      if (now - troubleSince >= grace_) return s;
    } else {
      inTrouble = false;
    }
    if (now - start >= timeout) {
      s.message =
          std::string(describe(s.state)) + " (still " + std::string(toString(s.state)) + ")";
      s.state = PrintState::timedOut;
      if (onChange) onChange(s);
      return s;
    }
    std::this_thread::sleep_for(poll_);  // polling CUPS; the caller's thread, never the UI's
  }
}

PrintStatus BadgePrinter::print(const PrintRequest& request,
                                const std::function<void(const PrintStatus&)>& onChange) {
  auto job = submit(request);
  if (!job) {
    PrintStatus s;
    s.state = request.document.empty() ? PrintState::error : stateFromSubmitError(job.error().code);
    s.message = job.error().message;
    if (onChange) onChange(s);
    return s;
  }
  return follow(job->jobId, timeout_, onChange);
}

PrintState stateFromSubmitError(const std::string& code) {
  if (code == "queue_not_found") return PrintState::queueNotFound;
  if (code == "not_accepting") return PrintState::notAccepting;
  return PrintState::error;
}

namespace {

// Writes each badge to DIR/<key>.pdf: the printer of a demo or a machine with no CUPS.
class FilePrinter final : public BadgePrinter {
 public:
  explicit FilePrinter(std::filesystem::path dir) : dir_(std::move(dir)) {}

  Result<PrintJob> submit(const PrintRequest& r) override {
    std::lock_guard lock(m_);
    const auto key = r.idempotencyKey();
    if (auto it = keys_.find(key); it != keys_.end()) return PrintJob{it->second, true};
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    std::string safe;
    for (char c : key)
      safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '#') ? c : '_';
    std::ofstream out(dir_ / (safe + ".pdf"), std::ios::binary);
    out.write(r.document.data(), static_cast<std::streamsize>(r.document.size()));
    if (!out) return makeError("submit_failed", "cannot write to " + dir_.string());
    const int id = ++next_;
    keys_[key] = id;
    return PrintJob{id, false};
  }
  PrintStatus jobStatus(int jobId) override {
    std::lock_guard lock(m_);
    PrintStatus s;
    s.jobId = jobId;
    s.state = jobId > 0 && jobId <= next_ ? PrintState::completed : PrintState::error;
    return s;
  }
  PrintStatus printerStatus() override {
    return PrintStatus{PrintState::queued, 0, "file printer ready", {}};
  }
  Status cancel(int) override { return makeError("not_cancellable", "file jobs complete at once"); }

 private:
  std::filesystem::path dir_;
  std::mutex m_;
  std::map<std::string, int> keys_;
  int next_ = 0;
};

}  // namespace

Result<std::unique_ptr<BadgePrinter>> makePrinter(const PrinterConfig& config) {
  std::unique_ptr<BadgePrinter> p;
  if (config.driver == "cups") {
    if (config.queue.empty()) return makeError("bad_config", "printer.queue is empty");
    p = makeCupsPrinter(config);
  } else if (config.driver == "file" || config.driver == "simulated") {
    if (config.directory.empty()) return makeError("bad_config", "printer.directory is empty");
    p = std::make_unique<FilePrinter>(config.directory);
  } else {
    return makeError("unknown_driver", "unknown printer driver: " + config.driver);
  }
  p->setPollInterval(config.pollInterval);
  p->setTimeout(config.timeout);
  return p;
}

}  // namespace gatehouse::devices
