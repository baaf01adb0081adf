// The kiosk frame loop, one step per function: events, state changes, textures, health, drawing,
// the saved frame and pacing.
#include "frame_loop.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "../ui/screen.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/service_notify.hpp"
#include "gatehouse/ui/gl.hpp"
#include "gatehouse/ui/layout_report.hpp"

namespace gatehouse::kiosk {
namespace {

using Steady = std::chrono::steady_clock;

bool needsPreview(flow::State s) {
  return s == flow::State::Photo || s == flow::State::ExitPhoto || s == flow::State::ScanPass ||
         s == flow::State::ScanBadge;
}

// A screen that shows the camera with no new frame for this long has a frozen camera. Generous:
// footage plays at 15 fps, and a loaded machine may stall the preview for a second or two.
constexpr auto kFrozenAfter = std::chrono::seconds(5);

// --bench: a named moment in wall-clock microseconds, comparable with a database commit.
void printBenchMark(const char* what, const char* name) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  std::printf("%s %s %lld\n", what, name, static_cast<long long>(us));
  std::fflush(stdout);
}

// The camera is the photo camera on the photo screens and the code reader on the scan screens.
flow::Device cameraRole(flow::State s) {
  return s == flow::State::Photo || s == flow::State::ExitPhoto ? flow::Device::Camera
                                                                : flow::Device::Scanner;
}

ScanMode scanModeFor(flow::State s) {
  if (s == flow::State::ScanPass || s == flow::State::ScanBadge) return ScanMode::Qr;
  return s == flow::State::VisitorDetails ? ScanMode::IdDocument : ScanMode::None;
}

class FrameLoop {
 public:
  explicit FrameLoop(const LoopParts& p) : p_(p) {}
  int run();

 private:
  void drainEvents();
  void onStateShown(flow::State state);
  void writeStatus(flow::State state, bool online);
  void updateTextures(flow::State state);
  void reportHealth();
  void watchCamera(flow::State state);
  void speak(flow::State state);
  void draw(flow::State state);
  std::string screenshotPath(flow::State state, const std::string& scriptShot);
  void pace();

  const LoopParts& p_;
  screens::ScreenSet screenSet_;
  // Two preview textures used in turn: uploading into the one the last frame did not draw from
  // keeps a software (or busy) GL from waiting for that frame to finish.
  ui::Texture previews_[2], photo_;
  int previewIndex_ = 0;
  RgbFrame frame_;
  std::string previewHint_;
  flow::State shown_ = flow::State::Welcome;
  bool firstOfState_ = true;
  bool statusOnline_ = false;
  int settleFrames_ = 0;
  int shotCounter_ = 0;
  std::vector<std::uint8_t> photoShown_;
  Steady::time_point nextFrame_ = Steady::now();
  Steady::time_point lastPreviewAt_ = Steady::now();  // a new frame, or a screen that needs one
  bool cameraFaultPosted_ = false;                    // once per screen
  bool idDrawPending_ = false;  // --bench: an ID filled the fields; say when they are drawn
  Steady::time_point lastHealth_ = Steady::now() - std::chrono::hours(1);
};

void FrameLoop::drainEvents() {
  for (auto& e : p_.events.drain()) {
    // The code reader does not know the screen: on the details screen a code is an ID document.
    if (e.kind == flow::EventKind::CodeScanned && p_.flow.state() == flow::State::VisitorDetails) {
      if (auto read = visitorFromIdDocument(e.text, p_.pepper)) {
        flow::Event id = flow::Event::of(flow::EventKind::IdScanned);
        id.visitor = std::move(read->visitor);
        id.document = std::move(read->card);
        handleEvent(p_, id);
        if (p_.options.bench) printBenchMark("id", "applied");
        idDrawPending_ = p_.options.bench;
      }
      continue;
    }
    handleEvent(p_, e);
  }
}

void FrameLoop::writeStatus(flow::State state, bool online) {
  if (p_.options.statusFile.empty()) return;
  if (state == shown_ && !firstOfState_ && online == statusOnline_) return;
  statusOnline_ = online;
  const std::string tmp = p_.options.statusFile + ".tmp";
  std::ofstream(tmp) << flow::toString(state) << " " << (online ? "online" : "offline") << "\n";
  std::filesystem::rename(tmp, p_.options.statusFile);
}

void FrameLoop::onStateShown(flow::State state) {
  if (state == shown_ && !firstOfState_) return;
  if (p_.options.bench) printBenchMark("state", flow::toString(state));
  if (state == flow::State::Welcome) screenSet_.resetAll();
  p_.worker.setScreen(flow::toString(state));
  speak(state);
  lastPreviewAt_ = Steady::now();
  cameraFaultPosted_ = false;
  shown_ = state;
  firstOfState_ = false;
  settleFrames_ = 4;
}

void FrameLoop::updateTextures(flow::State state) {
  KioskDevices& d = p_.devices;
  if (d.devicesCamera && p_.config.scanner == "camera")
    d.devicesCamera->setScanMode(scanModeFor(state));
  if (needsPreview(state) && d.camera->latest(frame_)) {
    previewIndex_ ^= 1;
    previews_[previewIndex_].update(frame_.rgb.data(), frame_.width, frame_.height);
    previewHint_ = frame_.hint;
    lastPreviewAt_ = Steady::now();
  }
  const auto& jpeg = p_.flow.session().photoJpeg;
  if (state == flow::State::PhotoReview && photoShown_ != jpeg) {
    photoShown_ = jpeg;
    if (auto img = decodeJpeg(photoShown_)) photo_.update(img->rgb.data(), img->width, img->height);
  }
  if (state == flow::State::Welcome && !photoShown_.empty()) {
    std::fill(photoShown_.begin(), photoShown_.end(), std::uint8_t{0});
    photoShown_.clear();
  }
}

// Each screen says its prompt once, in the visitor's language, when the kiosk speaks at all.
void FrameLoop::speak(flow::State state) {
  if (!p_.devices.speaker) return;
  const std::string language = p_.flow.session().language;
  const auto* strings = p_.tr.strings(language);
  if (!strings) return;
  const auto it = strings->find(std::string("speech.") + flow::toString(state));
  if (it == strings->end()) return;
  p_.devices.speaker->say(language, it->second);
  p_.devices.spoken->say(language, it->second);
}

// No camera (never there, unplugged) or a frozen one on a screen that needs it: the flow shows its
// fault screen with a next step and alerts the guard, instead of an empty preview.
void FrameLoop::watchCamera(flow::State state) {
  if (!needsPreview(state) || cameraFaultPosted_) return;
  std::string code;
  if (p_.devices.camera->health() == "disconnected")
    code = "camera_missing";
  else if (Steady::now() - lastPreviewAt_ > kFrozenAfter)
    code = "camera_frozen";
  if (code.empty()) return;
  cameraFaultPosted_ = true;
  handleEvent(p_, flow::Event::fault(cameraRole(state), code));
}

void FrameLoop::reportHealth() {
  if (Steady::now() - lastHealth_ <= std::chrono::seconds(1)) return;
  lastHealth_ = Steady::now();
  const KioskDevices& d = p_.devices;
  p_.worker.setHealth(
      nlohmann::json{{"camera", d.camera->health()},
                     {"printer", d.printer->health()},
                     {"scanner", "ok"},
                     {"usb", d.usb ? nlohmann::json::parse(d.usb->healthJson()) : nlohmann::json()},
                     {"online", p_.worker.online()}}
          .dump());
}

void FrameLoop::draw(flow::State state) {
  screens::ScreenContext ctx{p_.flow, p_.tr, [this](flow::Event e) { handleEvent(p_, e); }};
  const ui::Texture& preview = previews_[previewIndex_];
  ctx.preview = needsPreview(state) && preview.valid() ? &preview : nullptr;
  ctx.previewHint = previewHint_;
  ctx.photo = &photo_;
  ctx.estateName = p_.config.name;
  ctx.gateDirections = p_.devices.gate ? p_.config.gate.directions : std::string();
  ctx.hasGate = p_.devices.gate != nullptr;
  ctx.printProgress = p_.devices.printer->progress();
  ctx.seconds =
      std::chrono::duration<double>(SystemClock::instance().now() - p_.flow.stateEnteredAt())
          .count();
  screenSet_.forState(state).draw(ctx);
}

std::string FrameLoop::screenshotPath(flow::State state, const std::string& scriptShot) {
  const std::string& dir = p_.options.screenshots;
  if (dir.empty()) return {};
  std::string name;
  if (!scriptShot.empty())
    name = scriptShot;
  else if (settleFrames_ > 0 && --settleFrames_ == 0)
    name = flow::toString(state);
  if (name.empty()) return {};
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "%02d-", ++shotCounter_);
  return dir + "/" + prefix + name + ".png";
}

void FrameLoop::pace() {
  const int fps = p_.options.fps > 0 ? p_.options.fps
                                     : (p_.window.mode() == ui::WindowMode::Offscreen ? 30 : 0);
  if (fps <= 0) return;
  nextFrame_ += std::chrono::microseconds(1'000'000 / fps);
  const auto now = Steady::now();
  if (nextFrame_ < now) nextFrame_ = now;
  std::this_thread::sleep_until(nextFrame_);  // frame pacing, not synchronisation
}

int FrameLoop::run() {
  ui::ScriptPlayer* player = p_.player;
  service::LoopWatchdog watchdog;  // systemd restarts a kiosk whose frames stop
  int frames = 0;
  while (p_.window.pollEvents()) {
    watchdog.beat();
    const auto frameStart = Steady::now();
    const double cpuStart = BenchStats::threadCpuMs();
    drainEvents();
    p_.flow.tick();
    const flow::State state = p_.flow.state();
    writeStatus(state, p_.flow.online());
    p_.pins.connectivity(p_.flow.online());
    onStateShown(state);
    p_.tr.setLanguage(p_.flow.session().language);
    updateTextures(state);
    watchCamera(state);
    reportHealth();

    p_.window.beginFrame();
    if (player) player->beforeNewFrame();
    ImGui::NewFrame();
    ui::LayoutReport::instance().beginFrame();
    draw(state);
    const std::string path = screenshotPath(state, player ? player->afterFrame() : std::string());
    if (auto s = p_.window.endFrame(path); !s)
      std::fprintf(stderr, "gatehouse-kiosk: %s\n", s.error().message.c_str());
    if (idDrawPending_) printBenchMark("id", "drawn"), idDrawPending_ = false;
    p_.bench.frame(frameStart, cpuStart);
    ++frames;
    if (player && player->failed()) {
      std::fprintf(stderr, "gatehouse-kiosk: %s\n", player->error().c_str());
      return 2;
    }
    if (player && player->finished()) break;
    if (p_.options.maxFrames > 0 && frames >= p_.options.maxFrames) break;
    pace();
  }
  return 0;
}

}  // namespace

void handleEvent(const LoopParts& parts, const flow::Event& e) {
  const auto outcome = parts.flow.handle(e);
  if (parts.options.bench && outcome == flow::Outcome::Applied) parts.bench.applied(e);
}

int runFrameLoop(const LoopParts& parts) { return FrameLoop(parts).run(); }

}  // namespace gatehouse::kiosk
