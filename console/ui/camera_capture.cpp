// ConsoleCamera over gatehouse::devices::Camera; BGR frames become RGB textures and JPEG photos.
#include "camera_capture.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "gatehouse/devices/camera.hpp"

namespace gatehouse::console::app {

std::unique_ptr<ConsoleCamera> ConsoleCamera::open(const ConsoleConfig& config,
                                                   std::string& error) {
  if (config.cameraDriver.empty()) return nullptr;
  devices::CameraConfig cc;
  cc.driver = config.cameraDriver;
  cc.device = config.cameraDevice.empty() ? cc.device : config.cameraDevice;
  cc.source = config.cameraSource.empty() ? cc.source : config.cameraSource;
  cc.width = 640;
  cc.height = 480;
  cc.fps = 10;
  auto cam = devices::makeCamera(cc);
  if (!cam) {
    error = cam.error().message;
    return nullptr;
  }
  std::unique_ptr<ConsoleCamera> c(new ConsoleCamera());
  c->camera_ = std::move(cam).value();
  c->camera_->start();
  return c;
}

ConsoleCamera::~ConsoleCamera() {
  if (camera_) camera_->stop();
}

std::string ConsoleCamera::describe() const { return camera_->describe(); }

void ConsoleCamera::drawPreview(ImVec2 size) {
  if (auto f = camera_->latest(); f && f->sequence != shown_ && !f->image.empty()) {
    cv::Mat rgb;
    cv::cvtColor(f->image, rgb, cv::COLOR_BGR2RGB);
    if (!rgb.isContinuous()) rgb = rgb.clone();
    texture_.update(rgb.data, rgb.cols, rgb.rows);
    shown_ = f->sequence;
  }
  if (texture_.valid()) {
    ImGui::Image(texture_.id(), size);
  } else {
    ImGui::Dummy(size);
  }
}

std::optional<Photo> ConsoleCamera::snapshot() {
  auto f = camera_->latest();
  if (!f || f->image.empty()) return std::nullopt;
  std::vector<std::uint8_t> jpeg;
  if (!cv::imencode(".jpg", f->image, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85})) return std::nullopt;
  return Photo{std::move(jpeg), "image/jpeg"};
}

}  // namespace gatehouse::console::app
