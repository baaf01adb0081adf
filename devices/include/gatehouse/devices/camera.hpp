// Cameras: a capture thread per camera pulls frames from a FrameSource (real V4L2 device or
// simulated footage) and hands each to every consumer through its own one-slot mailbox, so a
// slow consumer drops frames and never stalls capture. A lost device is reported and reopened
// on a timer until it comes back: no restart needed.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gatehouse/core/result.hpp"
#include "gatehouse/devices/frame.hpp"

namespace gatehouse::devices {

// Makes a simulated camera misbehave on purpose, behind the same FrameSource as its footage, so
// the kiosk's fault screens can be tested: unplugged (reads fail, reopening fails) or frozen (no
// frame arrives and no error either, like a hung USB camera). Shared with whoever drives it.
class SimulatedFaults {
 public:
  enum class Mode { none, unplugged, frozen };
  void set(Mode mode) { mode_ = mode; }
  Mode mode() const { return mode_.load(); }

 private:
  std::atomic<Mode> mode_{Mode::none};
};

struct CameraConfig {
  std::string driver = "simulated";           // "v4l2" | "simulated"
  std::string device = "0";                   // v4l2: index ("0") or path ("/dev/video0")
  std::string source = "assets/sim/checkin";  // simulated: a video file or a folder of images
  int width = 1280;  // requested; simulated frames are resized to it (0 = as is)
  int height = 720;
  double fps = 15;     // v4l2: requested; simulated: the delivery rate
  bool mjpg = true;    // v4l2: ask for MJPG (USB 2 bandwidth at 720p+)
  int bufferSize = 1;  // v4l2: driver queue depth; 1 = lowest latency
  std::chrono::milliseconds reconnectInterval{1000};
  std::shared_ptr<SimulatedFaults> simulatedFaults;  // simulated only; null = never misbehaves
};

// One device, opened and read by the capture thread only.
class FrameSource {
 public:
  virtual ~FrameSource() = default;
  virtual Status open() = 0;  // errors: not_found, open_failed
  // Blocks for the next frame; errors: lost, end, timeout (no frame yet; the source stays open).
  virtual Result<cv::Mat> read() = 0;
  virtual void close() = 0;
  virtual std::string describe() const = 0;
  // Whether read() itself waits for the frame interval (a real camera) or the capture loop
  // must pace delivery (footage from disk).
  virtual bool selfPaced() const = 0;
};

std::unique_ptr<FrameSource> makeV4l2Source(const CameraConfig& config);
std::unique_ptr<FrameSource> makeSimulatedSource(const CameraConfig& config);

enum class CameraState { stopped, running, disconnected };
const char* toString(CameraState s);

struct CameraEvent {
  CameraState state = CameraState::stopped;
  std::string message;  // "opened /dev/video0", "lost: ...", "reconnected"
};

class Camera {
 public:
  using FrameCallback = std::function<void(const Frame&)>;        // on the consumer's own thread
  using EventCallback = std::function<void(const CameraEvent&)>;  // on the capture thread

  // pacingFps: delivery rate when the source is not self-paced (0 = as fast as read()).
  Camera(std::unique_ptr<FrameSource> source, double pacingFps,
         std::chrono::milliseconds reconnectInterval = std::chrono::seconds(1));
  ~Camera();
  Camera(const Camera&) = delete;
  Camera& operator=(const Camera&) = delete;

  void setEventCallback(EventCallback cb);
  void start();  // returns at once; open failures are reported as events and retried
  void stop();
  CameraState state() const { return state_.load(); }
  std::string describe() const { return source_->describe(); }

  int addConsumer(FrameCallback cb);
  void removeConsumer(int id);
  std::optional<Frame> latest() const;

  struct Stats {
    std::uint64_t captured = 0;
    std::uint64_t reconnects = 0;
    std::uint64_t dropped = 0;  // summed over consumers
  };
  Stats stats() const;

 private:
  struct Consumer {
    FrameMailbox box;
    FrameCallback cb;
    std::thread thread;
  };
  void captureLoop();
  void emit(CameraState s, std::string message);
  bool waitOrStop(std::chrono::steady_clock::duration d);

  std::unique_ptr<FrameSource> source_;
  double fps_;
  std::chrono::milliseconds reconnect_;
  std::atomic<CameraState> state_{CameraState::stopped};
  std::atomic<bool> stopping_{false};
  std::mutex stopM_;
  std::condition_variable stopCv_;
  std::thread thread_;
  mutable std::mutex m_;
  EventCallback onEvent_;
  std::map<int, std::unique_ptr<Consumer>> consumers_;
  int nextId_ = 1;
  std::optional<Frame> latest_;
  std::atomic<std::uint64_t> captured_{0};
  std::atomic<std::uint64_t> reconnects_{0};
  std::uint64_t droppedByRemoved_ = 0;
};

// Errors: unknown_driver, bad_config.
Result<std::unique_ptr<Camera>> makeCamera(const CameraConfig& config);

struct CameraInfo {
  std::string path;  // /dev/videoN
  std::string name;  // from sysfs
};
std::vector<CameraInfo> listCameras();

}  // namespace gatehouse::devices
