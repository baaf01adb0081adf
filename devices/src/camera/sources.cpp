// Frame sources: a V4L2 camera through OpenCV, and footage (video file or image folder).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <thread>

#include "gatehouse/devices/camera.hpp"

namespace gatehouse::devices {
namespace {

namespace fs = std::filesystem;

class V4l2Source final : public FrameSource {
 public:
  explicit V4l2Source(CameraConfig c) : c_(std::move(c)) {}

  Status open() override {
    const bool isIndex =
        !c_.device.empty() && std::all_of(c_.device.begin(), c_.device.end(), ::isdigit);
    path_ = isIndex ? "/dev/video" + c_.device : c_.device;
    if (!fs::exists(path_)) return makeError("not_found", path_ + " does not exist (unplugged?)");
    bool ok =
        isIndex ? cap_.open(std::stoi(c_.device), cv::CAP_V4L2) : cap_.open(path_, cv::CAP_V4L2);
    if (!ok || !cap_.isOpened()) return makeError("open_failed", "cannot open " + path_);
    if (c_.mjpg) cap_.set(cv::CAP_PROP_FOURCC, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'));
    if (c_.width > 0) cap_.set(cv::CAP_PROP_FRAME_WIDTH, c_.width);
    if (c_.height > 0) cap_.set(cv::CAP_PROP_FRAME_HEIGHT, c_.height);
    if (c_.fps > 0) cap_.set(cv::CAP_PROP_FPS, c_.fps);
    cap_.set(cv::CAP_PROP_BUFFERSIZE, std::max(1, c_.bufferSize));
    return Ok{};
  }

  Result<cv::Mat> read() override {
    cv::Mat f;
    // An unplugged camera makes read() fail at once (ENODEV); the node also disappears.
    if (!cap_.read(f) || f.empty()) {
      return makeError("lost",
                       fs::exists(path_) ? "read failed" : path_ + " disappeared (unplugged)");
    }
    return f;
  }

  void close() override { cap_.release(); }
  std::string describe() const override { return "v4l2:" + (path_.empty() ? c_.device : path_); }
  bool selfPaced() const override { return true; }

 private:
  CameraConfig c_;
  std::string path_;
  cv::VideoCapture cap_;
};

class SimulatedSource final : public FrameSource {
 public:
  explicit SimulatedSource(CameraConfig c) : c_(std::move(c)) {}

  Status open() override {
    images_.clear();
    index_ = 0;
    if (fault() == SimulatedFaults::Mode::unplugged)
      return makeError("not_found", "simulated camera unplugged");
    std::error_code ec;
    if (fs::is_directory(c_.source, ec)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(c_.source, ec)) {
        auto ext = e.path().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
        if (ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp")
          files.push_back(e.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) {
        cv::Mat img = cv::imread(f.string(), cv::IMREAD_COLOR);
        if (!img.empty()) images_.push_back(fit(img));
        if (images_.size() >= 1000) break;  // footage is short; never hold a huge folder in memory
      }
      if (images_.empty()) return makeError("not_found", "no images in " + c_.source);
      return Ok{};
    }
    if (!fs::exists(c_.source, ec)) return makeError("not_found", c_.source + " does not exist");
    if (!video_.open(c_.source) || !video_.isOpened())
      return makeError("open_failed", "cannot read video " + c_.source);
    return Ok{};
  }

  Result<cv::Mat> read() override {
    if (fault() == SimulatedFaults::Mode::unplugged)
      return makeError("lost", "simulated camera unplugged");
    if (fault() == SimulatedFaults::Mode::frozen) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a read that times out
      return makeError("timeout", "simulated camera frozen");
    }
    if (!images_.empty()) {
      const cv::Mat& img = images_[index_];
      index_ = (index_ + 1) % images_.size();
      return img;  // shared, consumers treat frames as read-only
    }
    cv::Mat f;
    if (!video_.read(f) || f.empty()) {  // end of file: loop
      video_.set(cv::CAP_PROP_POS_FRAMES, 0);
      if (!video_.read(f) || f.empty()) return makeError("lost", "cannot read " + c_.source);
    }
    return fit(f);
  }

  void close() override {
    video_.release();
    images_.clear();
  }
  std::string describe() const override { return "simulated:" + c_.source; }
  bool selfPaced() const override { return false; }

 private:
  cv::Mat fit(const cv::Mat& img) const {
    if (c_.width <= 0 || c_.height <= 0 || (img.cols == c_.width && img.rows == c_.height))
      return img;
    cv::Mat out;
    cv::resize(img, out, cv::Size(c_.width, c_.height), 0, 0, cv::INTER_LINEAR);
    return out;
  }

  SimulatedFaults::Mode fault() const {
    return c_.simulatedFaults ? c_.simulatedFaults->mode() : SimulatedFaults::Mode::none;
  }

  CameraConfig c_;
  std::vector<cv::Mat> images_;
  std::size_t index_ = 0;
  cv::VideoCapture video_;
};

}  // namespace

std::unique_ptr<FrameSource> makeV4l2Source(const CameraConfig& config) {
  return std::make_unique<V4l2Source>(config);
}
std::unique_ptr<FrameSource> makeSimulatedSource(const CameraConfig& config) {
  return std::make_unique<SimulatedSource>(config);
}

}  // namespace gatehouse::devices
