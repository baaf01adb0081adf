// The MRZ worker thread: one frame at a time through MrzReader, events only on change.
#include "gatehouse/devices/mrz_scanner.hpp"

#include <pthread.h>

#include <ctime>

namespace gatehouse::devices {
namespace {
constexpr int kForgetAfterFrames = 8;  // a document out of view this long may be reported again

double threadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}
}  // namespace

MrzScanner::MrzScanner(RecogniserFactory makeRecogniser, Callback onEvent)
    : makeRecogniser_(std::move(makeRecogniser)),
      onEvent_(std::move(onEvent)),
      worker_([this] { run(); }) {}

MrzScanner::MrzScanner(std::shared_ptr<const MrzRecogniser> recogniser, Callback onEvent)
    : MrzScanner([r = std::move(
                      recogniser)]() -> Result<std::shared_ptr<const MrzRecogniser>> { return r; },
                 std::move(onEvent)) {}

MrzScanner::~MrzScanner() {
  mailbox_.close();
  if (worker_.joinable()) worker_.join();
}

void MrzScanner::submit(const Frame& frame) {
  {
    std::lock_guard lock(m_);
    lastSubmitted_ = frame.sequence;
  }
  mailbox_.post(frame);
}

void MrzScanner::reset() {
  {
    std::lock_guard lock(m_);
    resetPending_ = true;
    staleUpTo_ = lastSubmitted_;
  }
  mailbox_.take(std::chrono::milliseconds(0));  // a frame of the last screen: never read it
}

void MrzScanner::setTrace(TraceCallback trace) {
  std::lock_guard lock(m_);
  trace_ = std::move(trace);
}

void MrzScanner::run() {
  pthread_setname_np(pthread_self(), "gh-mrz");  // top -H, perf: the reader's CPU share
  auto made = makeRecogniser_();
  if (!made) return;  // frames posted from now on are replaced in the mailbox, never read
  reader_.emplace(std::move(made).value());
  while (!mailbox_.closed()) {
    auto frame = mailbox_.take(std::chrono::milliseconds(200));
    if (!frame) continue;
    TraceCallback trace;
    {
      std::lock_guard lock(m_);
      trace = trace_;
      if (resetPending_) {
        reader_->reset();
        lastText_.clear();
        lastHint_ = MrzHint::none;
        resetPending_ = false;
      }
    }
    MrzAttemptTrace t;
    t.sequence = frame->sequence;
    t.capturedAt = frame->capturedAt;
    t.startedAt = MrzAttemptTrace::Clock::now();
    const double cpu0 = threadCpuMs();
    MrzFrameRead r = reader_->onFrame(frame->image, Date::today());
    frame.reset();  // the image goes no further than this
    t.cpuMs = threadCpuMs() - cpu0;
    t.finishedAt = MrzAttemptTrace::Clock::now();
    t.lines = r.lines;
    t.tries = r.tries;
    t.combined = r.combined;
    t.accepted = r.accepted.has_value();
    t.refused = r.refused;
    bool stale = false;
    {
      std::lock_guard lock(m_);
      stale = t.sequence <= staleUpTo_;
    }
    if (stale)
      reader_->reset();  // the last visitor's document: neither reported nor combined
    else
      t.reported = report(r);
    const std::uint64_t dropped = mailbox_.dropped();
    t.skipped = dropped - dropped_;
    dropped_ = dropped;
    if (trace) trace(t);
  }
}

bool MrzScanner::report(MrzFrameRead& r) {
  if (r.accepted) {
    framesWithout_ = 0;
    lastHint_ = MrzHint::none;
    if (r.accepted->text == lastText_) return false;
    lastText_ = r.accepted->text;
    onEvent_(MrzScanEvent{std::move(r.accepted), MrzHint::none});
    return true;
  }
  if (r.lines == 0 && ++framesWithout_ >= kForgetAfterFrames) lastText_.clear();
  if (r.hint != lastHint_) {
    lastHint_ = r.hint;
    onEvent_(MrzScanEvent{std::nullopt, r.hint});
  }
  return false;
}

}  // namespace gatehouse::devices
