// The capture loop: open, read, pace, fan out to consumers, and reopen after a loss.
#include "gatehouse/devices/camera.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace gatehouse::devices {

const char* toString(CameraState s) {
  switch (s) {
    case CameraState::stopped:
      return "stopped";
    case CameraState::running:
      return "running";
    case CameraState::disconnected:
      return "disconnected";
  }
  return "?";
}

Camera::Camera(std::unique_ptr<FrameSource> source, double pacingFps,
               std::chrono::milliseconds reconnectInterval)
    : source_(std::move(source)), fps_(pacingFps), reconnect_(reconnectInterval) {}

Camera::~Camera() {
  stop();
  std::lock_guard lock(m_);
  for (auto& [id, c] : consumers_) {
    c->box.close();
    if (c->thread.joinable()) c->thread.join();
  }
}

void Camera::setEventCallback(EventCallback cb) {
  std::lock_guard lock(m_);
  onEvent_ = std::move(cb);
}

void Camera::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { captureLoop(); });
}

void Camera::stop() {
  {
    std::lock_guard lock(stopM_);
    stopping_ = true;
  }
  stopCv_.notify_all();
  if (thread_.joinable()) thread_.join();
  state_ = CameraState::stopped;
}

int Camera::addConsumer(FrameCallback cb) {
  auto c = std::make_unique<Consumer>();
  c->cb = std::move(cb);
  Consumer* raw = c.get();
  raw->thread = std::thread([raw] {
    while (!raw->box.closed()) {
      if (auto f = raw->box.take(std::chrono::milliseconds(200))) raw->cb(*f);
    }
  });
  std::lock_guard lock(m_);
  const int id = nextId_++;
  consumers_[id] = std::move(c);
  return id;
}

void Camera::removeConsumer(int id) {
  std::unique_ptr<Consumer> c;
  {
    std::lock_guard lock(m_);
    auto it = consumers_.find(id);
    if (it == consumers_.end()) return;
    c = std::move(it->second);
    consumers_.erase(it);
    droppedByRemoved_ += c->box.dropped();
  }
  c->box.close();
  if (c->thread.joinable()) c->thread.join();
}

std::optional<Frame> Camera::latest() const {
  std::lock_guard lock(m_);
  return latest_;
}

Camera::Stats Camera::stats() const {
  std::lock_guard lock(m_);
  Stats s{captured_.load(), reconnects_.load(), droppedByRemoved_};
  for (const auto& [id, c] : consumers_) s.dropped += c->box.dropped();
  return s;
}

void Camera::emit(CameraState s, std::string message) {
  state_ = s;
  EventCallback cb;
  {
    std::lock_guard lock(m_);
    cb = onEvent_;
  }
  if (cb) cb(CameraEvent{s, std::move(message)});
}

bool Camera::waitOrStop(std::chrono::steady_clock::duration d) {
  std::unique_lock lock(stopM_);
  return stopCv_.wait_for(lock, d, [&] { return stopping_.load(); });
}

void Camera::captureLoop() {
  using clock = std::chrono::steady_clock;
  bool open = false;
  bool everOpened = false;
  bool reportedDown = false;
  std::uint64_t seq = 0;
  const auto period =
      fps_ > 0
          ? std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(1.0 / fps_))
          : clock::duration::zero();
  clock::time_point next = clock::now();
  while (!stopping_) {
    if (!open) {
      if (auto s = source_->open(); !s) {
        if (!reportedDown)
          emit(CameraState::disconnected, source_->describe() + ": " + s.error().message);
        reportedDown = true;
        if (waitOrStop(reconnect_)) break;
        continue;
      }
      open = true;
      if (everOpened) ++reconnects_;
      emit(CameraState::running, (everOpened ? "reconnected " : "opened ") + source_->describe());
      everOpened = true;
      reportedDown = false;
      next = clock::now();
    }
    auto img = source_->read();
    if (!img && img.error().code == "timeout") continue;  // no frame yet: a frozen camera
    if (!img) {
      source_->close();
      open = false;
      emit(CameraState::disconnected, source_->describe() + " lost: " + img.error().message);
      reportedDown = true;
      if (waitOrStop(reconnect_)) break;
      continue;
    }
    Frame f{std::move(img).value(), ++seq, clock::now()};
    ++captured_;
    {
      std::lock_guard lock(m_);
      latest_ = f;
      for (auto& [id, c] : consumers_) c->box.post(f);  // never blocks: newest frame wins
    }
    if (!source_->selfPaced() && period > clock::duration::zero()) {
      next += period;
      const auto now = clock::now();
      if (next < now - period) next = now;  // fell behind (slow disk): do not burst to catch up
      if (waitOrStop(next - now)) break;
    }
  }
  if (open) source_->close();
}

Result<std::unique_ptr<Camera>> makeCamera(const CameraConfig& config) {
  if (config.fps <= 0 || config.fps > 240)
    return makeError("bad_config", "camera.fps must be in (0, 240]");
  if (config.driver == "v4l2") {
    return std::make_unique<Camera>(makeV4l2Source(config), 0.0, config.reconnectInterval);
  }
  if (config.driver == "simulated") {
    return std::make_unique<Camera>(makeSimulatedSource(config), config.fps,
                                    config.reconnectInterval);
  }
  return makeError("unknown_driver", "unknown camera driver: " + config.driver);
}

std::vector<CameraInfo> listCameras() {
  std::vector<CameraInfo> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/sys/class/video4linux", ec)) {
    CameraInfo info;
    info.path = "/dev/" + e.path().filename().string();
    std::ifstream name(e.path() / "name");
    std::getline(name, info.name);
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(),
            [](const CameraInfo& a, const CameraInfo& b) { return a.path < b.path; });
  return out;
}

}  // namespace gatehouse::devices
