// Badge printing: a named queue, jobs followed to completion, printer trouble reported as one
// state the kiosk shows and the guard console alerts on, and prints keyed by badge so a
// repeated request (double tap, retry after a crash) never prints a second badge.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/core/result.hpp"

namespace gatehouse::devices {

enum class PrintState {
  queued,  // accepted, waiting
  printing,
  completed,
  cancelled,     // by someone or by the printer
  aborted,       // the system gave up on the job
  jobStopped,    // the printer stopped on an error (jam, driver failure): needs a person
  paused,        // the queue was paused by an operator
  offline,       // the printer does not answer
  outOfPaper,    // media-empty / media-needed
  notAccepting,  // the queue rejects new jobs
  queueNotFound,
  error,     // talking to the print system failed
  timedOut,  // still not done when the caller stopped waiting
};
std::string_view toString(PrintState s);  // stable code: "out_of_paper", "job_stopped", ...
std::string_view describe(PrintState s);  // a sentence for operators (the kiosk translates codes)
bool isFinal(PrintState s);               // the job will not change any more
bool needsAttention(PrintState s);        // the guard console should raise an alert

struct PrintStatus {
  PrintState state = PrintState::error;
  int jobId = 0;
  std::string message;                      // printer/job state message, when there is one
  std::vector<std::string> printerReasons;  // IPP printer-state-reasons, for logs
};

struct PrintRequest {
  std::string badgeKey;  // e.g. the visit id: one physical badge per key and copy number
  int copy = 0;          // 0 = the first print; n = the n-th deliberate reprint
  std::string title;     // for the queue listing
  std::string document;  // PDF bytes
  std::string mimeType = "application/pdf";
  std::string idempotencyKey() const { return badgeKey + "#" + std::to_string(copy); }
};

struct PrintJob {
  int jobId = 0;
  bool duplicate = false;  // this key was already submitted: nothing new was printed
};

struct PrinterConfig {
  std::string driver = "cups";  // "cups" | "file" (writes PDFs to `directory`: demos, no CUPS)
  std::string queue = "badges";
  std::string server;     // CUPS server (host[:port] or socket path); empty = CUPS default
  std::string directory;  // file driver output
  std::chrono::milliseconds timeout{30000};
  std::chrono::milliseconds pollInterval{100};
};

class BadgePrinter {
 public:
  virtual ~BadgePrinter() = default;
  // Submits unless this idempotency key was already submitted (by this process or, for CUPS,
  // found in the queue's job history): then returns that job with duplicate = true. A job that
  // was cancelled or aborted printed nothing, so its key may be submitted again.
  virtual Result<PrintJob> submit(const PrintRequest& request) = 0;
  virtual PrintStatus jobStatus(int jobId) = 0;  // one poll
  virtual PrintStatus printerStatus() = 0;
  virtual Status cancel(int jobId) = 0;
  // Polls until the job is final, or a trouble state (outOfPaper, paused, offline, jobStopped)
  // persists, or `timeout` passes (timedOut). onChange sees every distinct state.
  PrintStatus follow(int jobId, std::chrono::milliseconds timeout,
                     const std::function<void(const PrintStatus&)>& onChange = {});
  // submit + follow. A reprint is print() with request.copy = previous copy + 1.
  PrintStatus print(const PrintRequest& request,
                    const std::function<void(const PrintStatus&)>& onChange = {});

  void setPollInterval(std::chrono::milliseconds p) { poll_ = p; }
  void setTimeout(std::chrono::milliseconds t) { timeout_ = t; }
  // A trouble state must last this long before follow() returns it (a printer warming up
  // reports "offline" for a moment).
  void setTroubleGrace(std::chrono::milliseconds g) { grace_ = g; }

 private:
  std::chrono::milliseconds poll_{100};
  std::chrono::milliseconds timeout_{30000};
  std::chrono::milliseconds grace_{300};
};

// The state a job is in from IPP values (job-state, printer-state, printer-state-reasons,
// printer-state-message).
PrintState classifyPrintState(int jobState, int printerState,
                              const std::vector<std::string>& printerReasons,
                              const std::string& printerMessage = {});

// Errors: unknown_driver, bad_config.
Result<std::unique_ptr<BadgePrinter>> makePrinter(const PrinterConfig& config);

struct PrinterInfo {
  std::string name;
  std::string deviceUri;
  bool isDefault = false;
  PrintStatus status;
};
// The queues of a CUPS server (empty server = default). Errors: cups_unavailable.
Result<std::vector<PrinterInfo>> listPrinters(const std::string& server = {});

}  // namespace gatehouse::devices
