// Decodes camera frames on a worker thread. submit() never blocks the caller: a frame that
// arrives while one is being decoded replaces the pending one. A code visible in consecutive
// frames is reported once; it is reported again only after it has left the view.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "gatehouse/devices/barcode.hpp"
#include "gatehouse/devices/frame.hpp"

namespace gatehouse::devices {

struct ScannerConfig {
  DecodeOptions decode{};
  // A code counts as gone after this many consecutive frames without it (a single missed
  // decode while the pass is still held up must not report it twice).
  int forgetAfterFrames = 8;
};

// The "report once" rule, separate from threads so it is tested frame by frame.
class CodeDeduplicator {
 public:
  explicit CodeDeduplicator(int forgetAfterFrames = 8) : forgetAfter_(forgetAfterFrames) {}
  // Feed the codes of one frame (possibly none); returns those that are new.
  std::vector<DecodedCode> onFrame(const std::vector<DecodedCode>& codes);
  void reset() { seen_.clear(); }

 private:
  struct Seen {
    DecodedCode code;
    int missed = 0;
  };
  int forgetAfter_;
  std::vector<Seen> seen_;
};

struct ScanEvent {
  DecodedCode code;
  std::uint64_t frameSequence = 0;
};

class CodeScanner {
 public:
  using Callback = std::function<void(const ScanEvent&)>;  // called on the worker thread
  CodeScanner(ScannerConfig config, Callback onCode);
  ~CodeScanner();
  CodeScanner(const CodeScanner&) = delete;
  CodeScanner& operator=(const CodeScanner&) = delete;

  void submit(const Frame& frame);  // never blocks
  // The current screen decides what to look for (a pass screen: QR only; ID screen: PDF417).
  void setFormats(CodeFormats formats);
  void setRegion(cv::Rect2f roi);
  void reset();  // forget what was seen (new visitor)

  struct Stats {
    std::uint64_t decoded = 0;  // frames decoded
    std::uint64_t dropped = 0;  // frames replaced before the worker took them
    double lastDecodeMs = 0;
  };
  Stats stats() const;

 private:
  void run();
  ScannerConfig config_;
  Callback onCode_;
  FrameMailbox mailbox_;
  mutable std::mutex m_;
  CodeDeduplicator dedup_;
  bool resetPending_ = false;
  std::atomic<std::uint64_t> decoded_{0};
  std::atomic<double> lastMs_{0};
  std::thread worker_;
};

}  // namespace gatehouse::devices
