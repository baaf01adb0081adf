// Reads MRZs from camera frames on a worker thread (like CodeScanner): submit() never blocks, a
// document is reported once until it leaves the view or reset(), and the visitor's hint is
// reported whenever it changes. Frames are dropped after reading; nothing of the image is kept.
#pragma once
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

class MrzScanner {
 public:
  using Callback = std::function<void(const MrzScanEvent&)>;  // called on the worker thread
  MrzScanner(std::shared_ptr<const MrzRecogniser> recogniser, Callback onEvent);
  ~MrzScanner();
  MrzScanner(const MrzScanner&) = delete;
  MrzScanner& operator=(const MrzScanner&) = delete;

  void submit(const Frame& frame);  // never blocks
  void reset();                     // new visitor: forget the last document

 private:
  void run();
  MrzReader reader_;
  Callback onEvent_;
  FrameMailbox mailbox_;
  std::mutex m_;
  bool resetPending_ = false;
  std::string lastText_;
  int framesWithout_ = 0;
  MrzHint lastHint_ = MrzHint::none;
  std::thread worker_;
};

}  // namespace gatehouse::devices
