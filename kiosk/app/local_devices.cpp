// Pattern camera, JPEG helpers and the simulated badge printer.
#include "local_devices.hpp"

#include <stb_image.h>
#include <stb_image_write.h>

#include <chrono>
#include <cmath>

namespace gatehouse::kiosk {

// ---- JPEG ----

std::vector<std::uint8_t> encodeJpeg(const RgbFrame& frame) {
  std::vector<std::uint8_t> out;
  stbi_write_jpg_to_func(
      [](void* ctx, void* data, int size) {
        auto* v = static_cast<std::vector<std::uint8_t>*>(ctx);
        const auto* p = static_cast<const std::uint8_t*>(data);
        v->insert(v->end(), p, p + size);
      },
      &out, frame.width, frame.height, 3, frame.rgb.data(), 85);
  return out;
}

std::optional<RgbFrame> decodeJpeg(const std::vector<std::uint8_t>& jpeg) {
  int w = 0, h = 0, n = 0;
  unsigned char* px =
      stbi_load_from_memory(jpeg.data(), static_cast<int>(jpeg.size()), &w, &h, &n, 3);
  if (!px) return std::nullopt;
  RgbFrame f;
  f.width = w;
  f.height = h;
  f.rgb.assign(px, px + static_cast<std::size_t>(w) * h * 3);
  stbi_image_free(px);
  return f;
}

// ---- PatternCamera ----

PatternCamera::PatternCamera(flow::EventQueue& events, int width, int height, int fps)
    : events_(events), width_(width), height_(height), fps_(fps) {
  thread_ = std::thread([this] { run(); });
}

PatternCamera::~PatternCamera() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void PatternCamera::capture() {
  {
    std::lock_guard lock(mutex_);
    captureRequested_ = true;
  }
  cv_.notify_all();
}

bool PatternCamera::latest(RgbFrame& out) {
  std::lock_guard lock(mutex_);
  if (frame_.seq == out.seq || frame_.rgb.empty()) return false;
  out = frame_;
  return true;
}

void PatternCamera::setFault(const std::string& code) {
  std::lock_guard lock(mutex_);
  fault_ = code;
}

Status PatternCamera::simulate(const std::string&) {
  return makeError("script", "camera-sim needs camera = \"simulated\"");
}

std::string PatternCamera::health() const { return fault_.empty() ? "ok" : fault_; }

void PatternCamera::run() {
  const auto period = std::chrono::microseconds(1'000'000 / std::max(1, fps_));
  auto next = std::chrono::steady_clock::now();
  std::uint64_t seq = 0;
  RgbFrame f;
  f.width = width_;
  f.height = height_;
  f.rgb.resize(static_cast<std::size_t>(width_) * height_ * 3);
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    // A soft backdrop with a face-like oval that sways a little: enough to see the preview is live.
    const double t = static_cast<double>(seq) / fps_;
    const double cx = width_ * (0.5 + 0.04 * std::sin(t * 1.3)), cy = height_ * 0.48;
    const double rx = height_ * 0.18, ry = height_ * 0.24;
    for (int y = 0; y < height_; ++y) {
      std::uint8_t* row = f.rgb.data() + static_cast<std::size_t>(y) * width_ * 3;
      for (int x = 0; x < width_; ++x) {
        const double dx = (x - cx) / rx, dy = (y - cy) / ry;
        const double d = dx * dx + dy * dy;
        std::uint8_t r = static_cast<std::uint8_t>(70 + 60 * y / height_),
                     g = static_cast<std::uint8_t>(90 + 50 * x / width_), b = 120;
        if (d < 1.0) {
          r = 224;
          g = 182;
          b = 150;
          const double ex = std::abs(dx) - 0.38, ey = dy + 0.25;
          if (ex * ex + ey * ey < 0.012) r = g = b = 40;                                   // eyes
          if (std::abs(dy - 0.45) < 0.05 && std::abs(dx) < 0.35) r = 150, g = 70, b = 70;  // mouth
        } else if (y > cy + ry * 0.9 && std::abs(x - cx) < rx * 1.8) {
          r = 40, g = 70, b = 110;  // shoulders
        }
        row[x * 3] = r;
        row[x * 3 + 1] = g;
        row[x * 3 + 2] = b;
      }
    }
    f.seq = ++seq;
    lock.lock();
    frame_ = f;
    if (captureRequested_) {
      captureRequested_ = false;
      const std::string fault = fault_;
      lock.unlock();
      if (!fault.empty()) {
        events_.post(flow::Event::fault(flow::Device::Camera, fault));
      } else {
        flow::Event e = flow::Event::of(flow::EventKind::PhotoCaptured);
        e.bytes = encodeJpeg(f);
        events_.post(std::move(e));
      }
      lock.lock();
    }
    next += period;
    cv_.wait_until(lock, next, [this] { return stop_ || captureRequested_; });
  }
}

}  // namespace gatehouse::kiosk
