// Reads MRZs from camera frames on a worker thread (like CodeScanner): submit() never blocks, a
// document is reported once until it leaves the view or reset(), and the visitor's hint is
// reported whenever it changes. Frames are dropped after reading; nothing of the image is kept.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "gatehouse/devices/frame.hpp"
#include "gatehouse/devices/mrz_reader.hpp"

namespace gatehouse::devices {

struct MrzScanEvent {
  std::optional<ResolvedMrz> accepted;  // a new document, every check digit holding
  MrzHint hint = MrzHint::noDocument;   // otherwise what the visitor should do
};

// One frame read by the worker, for benchmarks (--bench): times, cost and outcome, no image.
struct MrzAttemptTrace {
  using Clock = std::chrono::steady_clock;
  std::uint64_t sequence = 0;  // the camera's frame number
  Clock::time_point capturedAt, startedAt, finishedAt;
  double cpuMs = 0;           // the worker thread's CPU time for this frame
  std::uint64_t skipped = 0;  // frames replaced unread in the mailbox since the last attempt
  int lines = 0, tries = 0, combined = 0;  // as in MrzFrameRead
  bool accepted = false;
  bool reported = false;  // an accepted read that was posted (not the document already reported)
  std::string refused;
};

class MrzScanner {
 public:
  using Callback = std::function<void(const MrzScanEvent&)>;          // called on the worker thread
  using TraceCallback = std::function<void(const MrzAttemptTrace&)>;  // worker thread too
  using RecogniserFactory = std::function<Result<std::shared_ptr<const MrzRecogniser>>()>;
  // The recogniser is made on the worker thread before its first frame (making "ocrb" renders
  // its templates and optics, ~0.4 s), so whoever constructs the scanner never waits for it. A
  // factory that fails leaves the scanner reading nothing, as a kiosk without the OCR-B font.
  MrzScanner(RecogniserFactory makeRecogniser, Callback onEvent);
  MrzScanner(std::shared_ptr<const MrzRecogniser> recogniser, Callback onEvent);
  ~MrzScanner();
  MrzScanner(const MrzScanner&) = delete;
  MrzScanner& operator=(const MrzScanner&) = delete;

  void submit(const Frame& frame);  // never blocks; frame sequences must increase
  // New visitor: forget the last document, drop a frame still waiting, and never report a read
  // of a frame taken before the reset (the previous visitor's document).
  void reset();
  void setTrace(TraceCallback trace);  // called after every frame read (benchmarks)

 private:
  void run();
  bool report(MrzFrameRead& r);  // posts what changed; true when a document was posted
  RecogniserFactory makeRecogniser_;
  std::optional<MrzReader> reader_;  // worker thread only; made from makeRecogniser_
  Callback onEvent_;
  FrameMailbox mailbox_;
  std::mutex m_;
  bool resetPending_ = false;
  std::uint64_t lastSubmitted_ = 0;  // under m_: the newest frame's sequence
  std::uint64_t staleUpTo_ = 0;      // under m_: frames up to this sequence predate the reset
  std::string lastText_;
  int framesWithout_ = 0;
  MrzHint lastHint_ = MrzHint::none;
  TraceCallback trace_;        // under m_
  std::uint64_t dropped_ = 0;  // the mailbox's count at the last attempt
  std::thread worker_;
};

}  // namespace gatehouse::devices
