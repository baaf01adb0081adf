// The scanning worker: newest-frame-wins hand-off, decode, report-once filtering.
#include "gatehouse/devices/code_scanner.hpp"

#include <chrono>

namespace gatehouse::devices {

std::vector<DecodedCode> CodeDeduplicator::onFrame(const std::vector<DecodedCode>& codes) {
  std::vector<DecodedCode> fresh;
  for (auto& s : seen_) ++s.missed;
  for (const auto& c : codes) {
    auto it = std::find_if(seen_.begin(), seen_.end(), [&](const Seen& s) { return s.code == c; });
    if (it == seen_.end()) {
      seen_.push_back(Seen{c, 0});
      fresh.push_back(c);
    } else {
      it->missed = 0;
    }
  }
  std::erase_if(seen_, [&](const Seen& s) { return s.missed >= forgetAfter_; });
  return fresh;
}

CodeScanner::CodeScanner(ScannerConfig config, Callback onCode)
    : config_(std::move(config)), onCode_(std::move(onCode)), dedup_(config_.forgetAfterFrames) {
  worker_ = std::thread([this] { run(); });
}

CodeScanner::~CodeScanner() {
  mailbox_.close();
  if (worker_.joinable()) worker_.join();
}

void CodeScanner::submit(const Frame& frame) { mailbox_.post(frame); }

void CodeScanner::setFormats(CodeFormats formats) {
  std::lock_guard lock(m_);
  config_.decode.formats = formats;
}

void CodeScanner::setRegion(cv::Rect2f roi) {
  std::lock_guard lock(m_);
  config_.decode.roi = roi;
}

void CodeScanner::reset() {
  std::lock_guard lock(m_);
  resetPending_ = true;
}

CodeScanner::Stats CodeScanner::stats() const {
  return Stats{decoded_.load(), mailbox_.dropped(), lastMs_.load()};
}

void CodeScanner::run() {
  while (!mailbox_.closed()) {
    auto frame = mailbox_.take(std::chrono::milliseconds(200));
    if (!frame) continue;
    DecodeOptions options;
    {
      std::lock_guard lock(m_);
      options = config_.decode;
      if (resetPending_) dedup_.reset(), resetPending_ = false;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const auto codes = decodeCodes(frame->image, options);
    lastMs_ =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    ++decoded_;
    std::vector<DecodedCode> fresh;
    {
      std::lock_guard lock(m_);
      fresh = dedup_.onFrame(codes);
    }
    for (const auto& c : fresh) onCode_(ScanEvent{c, frame->sequence});
  }
}

}  // namespace gatehouse::devices
