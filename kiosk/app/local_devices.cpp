// Pattern camera, JPEG helpers and the simulated badge printer.
#include "local_devices.hpp"

#include <stb_image.h>
#include <stb_image_write.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

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
  unsigned char* px = stbi_load_from_memory(jpeg.data(), static_cast<int>(jpeg.size()), &w, &h, &n, 3);
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
        std::uint8_t r = static_cast<std::uint8_t>(70 + 60 * y / height_), g = static_cast<std::uint8_t>(90 + 50 * x / width_),
                     b = 120;
        if (d < 1.0) {
          r = 224;
          g = 182;
          b = 150;
          const double ex = std::abs(dx) - 0.38, ey = dy + 0.25;
          if (ex * ex + ey * ey < 0.012) r = g = b = 40;                   // eyes
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

// ---- SimPrinter ----

SimPrinter::SimPrinter(flow::EventQueue& events, std::string folder) : events_(events), folder_(std::move(folder)) {
  thread_ = std::thread([this] { run(); });
}

SimPrinter::~SimPrinter() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SimPrinter::print(const flow::BadgeData& badge) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(badge);
  }
  cv_.notify_all();
}

void SimPrinter::setFault(const std::string& code) {
  std::lock_guard lock(mutex_);
  fault_ = code;
}

std::string SimPrinter::health() const {
  std::lock_guard lock(mutex_);
  return fault_.empty() ? "ok" : fault_;
}

std::string SimPrinter::lastFile() const {
  std::lock_guard lock(mutex_);
  return lastFile_;
}

void SimPrinter::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
    if (stop_) return;
    flow::BadgeData job = jobs_.front();
    jobs_.pop_front();
    const std::string fault = fault_;
    lock.unlock();
    progress_ = 0;
    events_.post(flow::Event::forVisit(flow::EventKind::PrintJobAccepted, job.visitId));
    if (!fault.empty()) {
      flow::Event e = flow::Event::fault(flow::Device::Printer, fault);
      e.visit = job.visitId;
      events_.post(std::move(e));
    } else {
      std::error_code ec;
      std::filesystem::create_directories(folder_, ec);
      const std::string path = folder_ + "/badge-" + job.visitId.toString() + ".pdf";
      std::ofstream(path, std::ios::binary) << simpleBadgePdf(job);
      // The job's stages, so the progress bar moves the way a real printer's would.
      for (int i = 1; i <= 4; ++i) {
        progress_ = static_cast<float>(i) / 4.0f;
        std::unique_lock wait(mutex_);
        cv_.wait_for(wait, std::chrono::milliseconds(150), [this] { return stop_; });
        if (stop_) return;
      }
      {
        std::lock_guard l(mutex_);
        lastFile_ = path;
      }
      events_.post(flow::Event::forVisit(flow::EventKind::PrintCompleted, job.visitId));
    }
    lock.lock();
  }
}

std::string simpleBadgePdf(const flow::BadgeData& badge) {
  auto esc = [](const std::string& s) {
    std::string o;
    for (char c : s) {
      if (c == '(' || c == ')' || c == '\\') o += '\\';
      if (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F) o += c;
    }
    return o;
  };
  std::time_t until = static_cast<std::time_t>(badge.validUntil);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", std::gmtime(&until));
  std::ostringstream content;
  content << "BT /F1 20 Tf 20 200 Td (VISITOR) Tj ET\n"
          << "BT /F1 14 Tf 20 170 Td (" << esc(badge.visitorName) << ") Tj ET\n"
          << "BT /F1 12 Tf 20 150 Td (Visiting " << esc(badge.unitLabel) << ") Tj ET\n"
          << "BT /F1 10 Tf 20 130 Td (Valid until " << when << ") Tj ET\n"
          << "BT /F1 6 Tf 20 40 Td (" << esc(badge.exitQr) << ") Tj ET\n";
  const std::string stream = content.str();
  std::vector<std::string> objs{
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 243 243] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream + "endstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::ostringstream pdf;
  pdf << "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objs.size(); ++i) {
    offsets.push_back(static_cast<std::size_t>(pdf.tellp()));
    pdf << i + 1 << " 0 obj\n" << objs[i] << "\nendobj\n";
  }
  const auto xref = pdf.tellp();
  pdf << "xref\n0 " << objs.size() + 1 << "\n0000000000 65535 f \n";
  for (auto o : offsets) {
    char line[24];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
    pdf << line;
  }
  pdf << "trailer\n<< /Size " << objs.size() + 1 << " /Root 1 0 R >>\nstartxref\n" << xref << "\n%%EOF\n";
  return pdf.str();
}

}  // namespace gatehouse::kiosk
