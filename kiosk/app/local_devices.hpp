// Devices the kiosk app drives: a camera feeding the preview and taking photos, and a badge
// printer. Worker threads only post flow events and hand frames over under a lock; they never touch
// ImGui.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gatehouse/flow/event_queue.hpp"
#include "gatehouse/flow/ports.hpp"

namespace gatehouse::kiosk {

struct RgbFrame {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;
  std::uint64_t seq = 0;
  std::string hint;  // quality hint key suffix: "" good, "no_face", "too_dark", ...
};

// A camera as the UI sees it: the newest frame for the preview, and capture() for the flow.
class KioskCamera : public flow::PhotoCamera {
 public:
  ~KioskCamera() override = default;
  // Copies the newest frame into `out` when it is newer than out.seq. Returns true if it did.
  virtual bool latest(RgbFrame& out) = 0;
  virtual void setFault(const std::string& code) = 0;  // "" clears; next capture reports it
  virtual std::string health() const = 0;  // "disconnected": no camera (unplugged, never there)
  // Script line camera-sim: "unplug", "freeze" or "none". Errors: script (not a simulated camera).
  virtual Status simulate(const std::string& mode) = 0;
};

// Draws a moving test scene (a face-like shape) at the requested size; captures encode JPEG.
class PatternCamera final : public KioskCamera {
 public:
  PatternCamera(flow::EventQueue& events, int width, int height, int fps = 15);
  ~PatternCamera() override;
  void capture() override;
  bool latest(RgbFrame& out) override;
  void setFault(const std::string& code) override;
  std::string health() const override;
  Status simulate(const std::string& mode) override;

 private:
  void run();
  flow::EventQueue& events_;
  int width_, height_, fps_;
  std::mutex mutex_;
  std::condition_variable cv_;
  RgbFrame frame_;
  bool captureRequested_ = false;
  bool stop_ = false;
  std::string fault_;
  std::thread thread_;
};

// Encodes RGB as JPEG (quality 85).
std::vector<std::uint8_t> encodeJpeg(const RgbFrame& frame);
// Decodes JPEG to RGB; nullopt if it is not one.
std::optional<RgbFrame> decodeJpeg(const std::vector<std::uint8_t>& jpeg);

}  // namespace gatehouse::kiosk
