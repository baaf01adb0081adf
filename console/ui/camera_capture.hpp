// The console's optional camera for manual entry: a live preview and a JPEG snapshot, through
// the devices library (V4L2 or simulated footage). Capture runs on the devices thread; the UI
// thread only polls the latest frame.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "gatehouse/console/config.hpp"
#include "gatehouse/console/model.hpp"
#include "gatehouse/ui/gl.hpp"

namespace gatehouse::devices {
class Camera;
}

namespace gatehouse::console::app {

class ConsoleCamera {
 public:
  // Null when no camera is configured (or the build has no devices library); `error` says why
  // a configured one could not be created.
  static std::unique_ptr<ConsoleCamera> open(const ConsoleConfig& config, std::string& error);
  ~ConsoleCamera();
  void drawPreview(ImVec2 size);
  std::optional<Photo> snapshot();  // JPEG of the newest frame, if one has arrived
  std::string describe() const;

 private:
  ConsoleCamera() = default;
  std::unique_ptr<devices::Camera> camera_;
  ui::Texture texture_;
  std::uint64_t shown_ = 0;
};

}  // namespace gatehouse::console::app
