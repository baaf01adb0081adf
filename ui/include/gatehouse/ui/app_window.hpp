// SDL2 + OpenGL3 + Dear ImGui bootstrap: one window (fullscreen, windowed or offscreen) and its
// frame loop.
#pragma once
#include <memory>
#include <string>

#include "gatehouse/core/result.hpp"

struct SDL_Window;

namespace gatehouse::ui {

enum class WindowMode { Fullscreen, Windowed, Offscreen };

struct WindowOptions {
  std::string title = "Gatehouse";
  int width = 1280;
  int height = 800;
  WindowMode mode = WindowMode::Windowed;
  bool vsync = true;
};

class AppWindow {
 public:
  // Offscreen mode selects SDL's offscreen driver (EGL, no display) unless SDL_VIDEODRIVER says
  // otherwise.
  static Result<std::unique_ptr<AppWindow>> open(const WindowOptions& options);
  ~AppWindow();
  AppWindow(const AppWindow&) = delete;
  AppWindow& operator=(const AppWindow&) = delete;

  // Feeds SDL events to ImGui. Returns false when the user or the OS asked to quit.
  bool pollEvents();
  void beginFrame();
  // Renders; when `screenshotPath` is non-empty the rendered frame is also saved as PNG there.
  Status endFrame(const std::string& screenshotPath = {});
  int width() const { return width_; }
  int height() const { return height_; }
  WindowMode mode() const { return mode_; }

 private:
  AppWindow() = default;
  SDL_Window* window_ = nullptr;
  void* glContext_ = nullptr;
  int width_ = 0;
  int height_ = 0;
  WindowMode mode_ = WindowMode::Windowed;
};

}  // namespace gatehouse::ui
