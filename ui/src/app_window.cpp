// SDL2 window + OpenGL3 context + ImGui backends; offscreen uses SDL's EGL-backed offscreen driver.
#include "gatehouse/ui/app_window.hpp"

#include <SDL.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>

#include <cstdlib>
#include <cstring>

#include "gatehouse/ui/gl.hpp"
#include "gatehouse/ui/touch.hpp"

namespace gatehouse::ui {
namespace {
using ClearColorFn = void (*)(float, float, float, float);
using ClearFn = void (*)(unsigned);
using ViewportFn = void (*)(int, int, int, int);
constexpr unsigned kColorBufferBit = 0x00004000;
}  // namespace

Result<std::unique_ptr<AppWindow>> AppWindow::open(const WindowOptions& options) {
  WindowMode mode = options.mode;
  const char* driver = std::getenv("SDL_VIDEODRIVER");
  if (driver && std::strcmp(driver, "offscreen") == 0) mode = WindowMode::Offscreen;
  if (mode == WindowMode::Offscreen && !driver) setenv("SDL_VIDEODRIVER", "offscreen", 1);

  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    return makeError("sdl_init", std::string("SDL_Init failed: ") + SDL_GetError());
  }
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
  SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS,
              "1");  // touches arrive as mouse events, which ImGui uses

  Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_ALLOW_HIGHDPI;
  if (mode == WindowMode::Fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
  if (mode == WindowMode::Windowed) flags |= SDL_WINDOW_RESIZABLE;
  std::unique_ptr<AppWindow> w(new AppWindow());
  w->mode_ = mode;
  w->window_ = SDL_CreateWindow(options.title.c_str(), SDL_WINDOWPOS_CENTERED,
                                SDL_WINDOWPOS_CENTERED, options.width, options.height, flags);
  if (!w->window_)
    return makeError("sdl_window", std::string("SDL_CreateWindow failed: ") + SDL_GetError());
  w->glContext_ = SDL_GL_CreateContext(w->window_);
  if (!w->glContext_)
    return makeError("gl_context", std::string("no OpenGL context: ") + SDL_GetError());
  SDL_GL_MakeCurrent(w->window_, w->glContext_);
  SDL_GL_SetSwapInterval(options.vsync && mode != WindowMode::Offscreen ? 1 : 0);
  if (mode == WindowMode::Fullscreen) SDL_ShowCursor(SDL_DISABLE);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a kiosk has no layout to remember
  ImGui_ImplSDL2_InitForOpenGL(w->window_, w->glContext_);
  ImGui_ImplOpenGL3_Init("#version 130");
  SDL_GL_GetDrawableSize(w->window_, &w->width_, &w->height_);
  return w;
}

AppWindow::~AppWindow() {
  if (ImGui::GetCurrentContext()) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
  }
  if (glContext_) SDL_GL_DeleteContext(glContext_);
  if (window_) SDL_DestroyWindow(window_);
  SDL_Quit();
}

bool AppWindow::pollEvents() {
  SDL_Event event;
  bool keepGoing = true;
  while (SDL_PollEvent(&event)) {
    ImGui_ImplSDL2_ProcessEvent(&event);
    if (event.type == SDL_QUIT) keepGoing = false;
    if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE)
      keepGoing = false;
  }
  return keepGoing;
}

void AppWindow::beginFrame() {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  SDL_GL_GetDrawableSize(window_, &width_, &height_);
  TouchRegistry::instance().beginFrame();
}

Status AppWindow::endFrame(const std::string& screenshotPath) {
  ImGui::Render();
  static auto viewport = reinterpret_cast<ViewportFn>(SDL_GL_GetProcAddress("glViewport"));
  static auto clearColor = reinterpret_cast<ClearColorFn>(SDL_GL_GetProcAddress("glClearColor"));
  static auto clear = reinterpret_cast<ClearFn>(SDL_GL_GetProcAddress("glClear"));
  viewport(0, 0, width_, height_);
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  clearColor(bg.x, bg.y, bg.z, 1.0f);
  clear(kColorBufferBit);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  Status saved = Ok{};
  if (!screenshotPath.empty())
    saved = writePng(screenshotPath, readPixels(width_, height_), width_, height_);
  SDL_GL_SwapWindow(window_);
  return saved;
}

}  // namespace gatehouse::ui
