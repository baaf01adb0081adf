// The CUPS printer: submit with libcups, follow job and printer state over IPP, find earlier
// submissions of the same badge in the queue's job history. cups.h stays in this file.
#include <cups/cups.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "gatehouse/devices/printer.hpp"
#include "print_internal.hpp"

namespace gatehouse::devices {
namespace {

struct HttpClose {
  void operator()(http_t* h) const { httpClose(h); }
};
using Http = std::unique_ptr<http_t, HttpClose>;
struct IppDelete {
  void operator()(ipp_t* i) const { ippDelete(i); }
};
using Ipp = std::unique_ptr<ipp_t, IppDelete>;

Http connectTo(const std::string& server) {
  std::string host = server.empty() ? std::string(cupsServer()) : server;
  int port = ippPort();
  if (!host.empty() && host[0] != '/') {
    const auto colon = host.rfind(':');
    if (colon != std::string::npos && host.find(']') == std::string::npos &&
        host.find(':') == colon) {
      port = std::atoi(host.c_str() + colon + 1);
      host.resize(colon);
    }
  }
  return Http(httpConnect2(host.c_str(), port, nullptr, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1,
                           5000, nullptr));
}

// Debian's cupsd 2.4.2-3+deb12u10 crashes (SIGSEGV) starting a job whose document-name holds
// a space, and any printer would show control characters raw: keep names to visible ASCII.
std::string documentName(const std::string& title) {
  std::string out;
  for (const unsigned char ch : title)
    out += (ch > 0x20 && ch < 0x7f) ? static_cast<char>(ch) : '_';
  return out.substr(0, 200);
}

std::string printerUri(const std::string& queue) {
  char uri[1024];
  httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", nullptr, "localhost", ippPort(),
                   "/printers/%s", queue.c_str());
  return uri;
}

std::vector<std::string> strings(ipp_t* resp, const char* name) {
  std::vector<std::string> out;
  if (ipp_attribute_t* a = ippFindAttribute(resp, name, IPP_TAG_ZERO))
    for (int i = 0; i < ippGetCount(a); ++i)
      if (const char* s = ippGetString(a, i, nullptr)) out.emplace_back(s);
  return out;
}

int integer(ipp_t* resp, const char* name, int fallback) {
  ipp_attribute_t* a = ippFindAttribute(resp, name, IPP_TAG_ZERO);
  return a ? ippGetInteger(a, 0) : fallback;
}

std::string text(ipp_t* resp, const char* name) {
  ipp_attribute_t* a = ippFindAttribute(resp, name, IPP_TAG_ZERO);
  const char* s = a ? ippGetString(a, 0, nullptr) : nullptr;
  return s ? s : "";
}

struct PrinterAttrs {
  bool found = false;
  bool reachable = false;
  int state = 3;
  bool accepting = true;
  std::vector<std::string> reasons;
  std::string message;
};

PrinterAttrs queryPrinter(http_t* http, const std::string& queue) {
  PrinterAttrs p;
  if (!http) return p;
  p.reachable = true;
  ipp_t* req = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
  ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr,
               printerUri(queue).c_str());
  static const char* const kWanted[] = {"printer-state", "printer-state-reasons",
                                        "printer-state-message", "printer-is-accepting-jobs"};
  ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 4, nullptr,
                kWanted);
  Ipp resp(cupsDoRequest(http, req, "/"));
  if (!resp || ippGetStatusCode(resp.get()) > IPP_STATUS_OK_CONFLICTING) {
    p.reachable = cupsLastError() != IPP_STATUS_ERROR_SERVICE_UNAVAILABLE &&
                  cupsLastError() != IPP_STATUS_ERROR_INTERNAL;
    return p;
  }
  p.found = true;
  p.state = integer(resp.get(), "printer-state", 3);
  ipp_attribute_t* acc = ippFindAttribute(resp.get(), "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
  p.accepting = acc ? ippGetBoolean(acc, 0) != 0 : true;
  p.reasons = strings(resp.get(), "printer-state-reasons");
  p.message = text(resp.get(), "printer-state-message");
  return p;
}

bool hasReason(const std::vector<std::string>& reasons, std::string_view prefix) {
  return std::any_of(reasons.begin(), reasons.end(),
                     [&](const std::string& r) { return r.rfind(prefix, 0) == 0; });
}

class CupsPrinter final : public BadgePrinter {
 public:
  explicit CupsPrinter(PrinterConfig c) : config_(std::move(c)) {}

  Result<PrintJob> submit(const PrintRequest& r) override {
    if (r.badgeKey.empty()) return makeError("bad_request", "a print needs a badge key");
    if (r.document.empty()) return makeError("bad_request", "empty document");
    std::lock_guard lock(m_);  // one submission at a time: a double tap cannot race itself
    const std::string jobName = "gh:" + r.idempotencyKey();
    if (auto it = submitted_.find(jobName); it != submitted_.end()) {
      // A cancelled or aborted job printed nothing: the same badge may be submitted again.
      const PrintState was = jobStatus(it->second).state;
      if (was != PrintState::cancelled && was != PrintState::aborted)
        return PrintJob{it->second, true};
      submitted_.erase(it);
    }
    Http http = connectTo(config_.server);
    if (!http) return makeError("cups_unavailable", "cannot connect to the CUPS server");
    // After a restart the ledger is empty: the queue's job history still knows the badge.
    cups_job_t* jobs = nullptr;
    const int n = cupsGetJobs2(http.get(), &jobs, config_.queue.c_str(), 0, CUPS_WHICHJOBS_ALL);
    int existing = 0;
    for (int i = 0; i < n; ++i)
      if (jobs[i].title && jobName == jobs[i].title && jobs[i].state != IPP_JSTATE_CANCELED &&
          jobs[i].state != IPP_JSTATE_ABORTED)
        existing = jobs[i].id;
    cupsFreeJobs(n, jobs);
    if (existing > 0) {
      submitted_[jobName] = existing;
      return PrintJob{existing, true};
    }
    const int id = cupsCreateJob(http.get(), config_.queue.c_str(), jobName.c_str(), 0, nullptr);
    if (id <= 0) {
      Error e = submitError();
      const PrinterAttrs p = queryPrinter(http.get(), config_.queue);
      if (p.reachable && !p.found)
        return makeError("queue_not_found", "no queue named " + config_.queue);
      if (p.found && !p.accepting)
        return makeError("not_accepting", "queue " + config_.queue + " rejects jobs");
      return e;
    }
    const std::string doc = documentName(r.title.empty() ? jobName : r.title);
    if (cupsStartDocument(http.get(), config_.queue.c_str(), id, doc.c_str(), r.mimeType.c_str(),
                          1) != HTTP_STATUS_CONTINUE) {
      return submitError();
    }
    if (cupsWriteRequestData(http.get(), r.document.data(), r.document.size()) !=
        HTTP_STATUS_CONTINUE) {
      cupsFinishDocument(http.get(), config_.queue.c_str());
      return submitError();
    }
    if (cupsFinishDocument(http.get(), config_.queue.c_str()) > IPP_STATUS_OK_CONFLICTING)
      return submitError();
    submitted_[jobName] = id;
    return PrintJob{id, false};
  }

  PrintStatus jobStatus(int jobId) override {
    PrintStatus s;
    s.jobId = jobId;
    Http http = connectTo(config_.server);
    if (!http) {
      s.state = PrintState::error;
      s.message = "cannot connect to the CUPS server";
      return s;
    }
    ipp_t* req = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr,
                 printerUri(config_.queue).c_str());
    ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", jobId);
    Ipp resp(cupsDoRequest(http.get(), req, "/"));
    if (!resp || ippGetStatusCode(resp.get()) > IPP_STATUS_OK_CONFLICTING) {
      s.state = cupsLastError() == IPP_STATUS_ERROR_NOT_FOUND ? PrintState::queueNotFound
                                                              : PrintState::error;
      s.message = cupsLastErrorString();
      return s;
    }
    const int jobState = integer(resp.get(), "job-state", IPP_JSTATE_PENDING);
    const std::string jobMessage = text(resp.get(), "job-printer-state-message");
    const PrinterAttrs p = queryPrinter(http.get(), config_.queue);
    s.printerReasons = p.reasons;
    s.state = classifyPrintState(jobState, p.state, p.reasons, p.message);
    s.message = !p.message.empty() ? p.message : jobMessage;
    return s;
  }

  PrintStatus printerStatus() override {
    PrintStatus s;
    Http http = connectTo(config_.server);
    const PrinterAttrs p = queryPrinter(http.get(), config_.queue);
    if (!p.reachable) return PrintStatus{PrintState::error, 0, "cannot reach the CUPS server", {}};
    if (!p.found)
      return PrintStatus{PrintState::queueNotFound, 0, "no queue named " + config_.queue, {}};
    s.printerReasons = p.reasons;
    s.message = p.message;
    s.state = classifyPrintState(IPP_JSTATE_PENDING, p.state, p.reasons, p.message);
    if (s.state == PrintState::queued && !p.accepting) s.state = PrintState::notAccepting;
    if (s.state == PrintState::queued && p.state == IPP_PSTATE_PROCESSING)
      s.state = PrintState::printing;
    return s;
  }

  Status cancel(int jobId) override {
    Http http = connectTo(config_.server);
    if (!http) return makeError("cups_unavailable", "cannot connect to the CUPS server");
    if (cupsCancelJob2(http.get(), config_.queue.c_str(), jobId, 0) > IPP_STATUS_OK_CONFLICTING)
      return makeError("cancel_failed", cupsLastErrorString());
    return Ok{};
  }

 private:
  static Error submitError() {
    const ipp_status_t st = cupsLastError();
    if (st == IPP_STATUS_ERROR_NOT_FOUND)
      return makeError("queue_not_found", cupsLastErrorString());
    if (st == IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS)
      return makeError("not_accepting", cupsLastErrorString());
    return makeError("submit_failed", cupsLastErrorString());
  }

  PrinterConfig config_;
  std::mutex m_;
  std::map<std::string, int> submitted_;
};

}  // namespace

PrintState classifyPrintState(int jobState, int printerState,
                              const std::vector<std::string>& reasons, const std::string& message) {
  switch (jobState) {
    case IPP_JSTATE_COMPLETED:
      return PrintState::completed;
    case IPP_JSTATE_CANCELED:
      return PrintState::cancelled;
    case IPP_JSTATE_ABORTED:
      return PrintState::aborted;
    default:
      break;
  }
  if (hasReason(reasons, "media-empty") || hasReason(reasons, "media-needed"))
    return PrintState::outOfPaper;
  if (hasReason(reasons, "offline")) return PrintState::offline;
  if (jobState == IPP_JSTATE_STOPPED) return PrintState::jobStopped;
  if (printerState == IPP_PSTATE_STOPPED) {
    // cupsd marks both an operator's pause and a backend's stop-on-error with "paused"; the
    // backend's stop carries its error as the state message ("Paper jam").
    const bool onlyPaused = std::all_of(reasons.begin(), reasons.end(), [](const std::string& r) {
      return r == "paused" || r == "none";
    });
    const bool operatorMessage =
        message.empty() || message == "Paused" || message == "Printer paused.";
    return onlyPaused && operatorMessage ? PrintState::paused : PrintState::jobStopped;
  }
  if (jobState == IPP_JSTATE_PROCESSING) return PrintState::printing;
  return PrintState::queued;
}

std::unique_ptr<BadgePrinter> makeCupsPrinter(const PrinterConfig& config) {
  return std::make_unique<CupsPrinter>(config);
}

Result<std::vector<PrinterInfo>> listPrinters(const std::string& server) {
  Http http = connectTo(server);
  if (!http) return makeError("cups_unavailable", "cannot connect to the CUPS server");
  cups_dest_t* dests = nullptr;
  const int n = cupsGetDests2(http.get(), &dests);
  std::vector<PrinterInfo> out;
  for (int i = 0; i < n; ++i) {
    if (dests[i].instance) continue;
    PrinterInfo info;
    info.name = dests[i].name;
    info.isDefault = dests[i].is_default != 0;
    if (const char* uri = cupsGetOption("device-uri", dests[i].num_options, dests[i].options))
      info.deviceUri = uri;
    PrinterConfig c;
    c.queue = info.name;
    c.server = server;
    info.status = CupsPrinter(c).printerStatus();
    out.push_back(std::move(info));
  }
  cupsFreeDests(n, dests);
  return out;
}

}  // namespace gatehouse::devices
