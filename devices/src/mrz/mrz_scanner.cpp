// The MRZ worker thread: one frame at a time through MrzReader, events only on change.
#include "gatehouse/devices/mrz_scanner.hpp"

namespace gatehouse::devices {
namespace {
constexpr int kForgetAfterFrames = 8;  // a document out of view this long may be reported again
}

MrzScanner::MrzScanner(std::shared_ptr<const MrzRecogniser> recogniser, Callback onEvent)
    : reader_(std::move(recogniser)), onEvent_(std::move(onEvent)), worker_([this] { run(); }) {}

MrzScanner::~MrzScanner() {
  mailbox_.close();
  if (worker_.joinable()) worker_.join();
}

void MrzScanner::submit(const Frame& frame) { mailbox_.post(frame); }

void MrzScanner::reset() {
  std::lock_guard lock(m_);
  resetPending_ = true;
}

void MrzScanner::run() {
  while (!mailbox_.closed()) {
    auto frame = mailbox_.take(std::chrono::milliseconds(200));
    if (!frame) continue;
    {
      std::lock_guard lock(m_);
      if (resetPending_) {
        reader_.reset();
        lastText_.clear();
        lastHint_ = MrzHint::none;
        resetPending_ = false;
      }
    }
    MrzFrameRead r = reader_.onFrame(frame->image, Date::today());
    frame.reset();  // the image goes no further than this
    if (r.accepted) {
      framesWithout_ = 0;
      lastHint_ = MrzHint::none;
      if (r.accepted->text == lastText_) continue;
      lastText_ = r.accepted->text;
      onEvent_(MrzScanEvent{std::move(r.accepted), MrzHint::none});
      continue;
    }
    if (r.lines == 0 && ++framesWithout_ >= kForgetAfterFrames) lastText_.clear();
    if (r.hint != lastHint_) {
      lastHint_ = r.hint;
      onEvent_(MrzScanEvent{std::nullopt, r.hint});
    }
  }
}

}  // namespace gatehouse::devices
