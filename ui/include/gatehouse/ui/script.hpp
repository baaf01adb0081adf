// Replays a script of taps, typing and waits into ImGui, so tests drive a real offscreen UI.
//
// One command per line; '#' starts a comment:
//   tap ID                   tap the touch target ID (waits up to 10 s for it to appear, enabled)
//   type TEXT                tap the on-screen keyboard keys "key:<char>" for each character
//   wait-screen NAME [S]     wait until the app reports screen NAME (default 30 s); NAME may be a|b
//   skip-unless-screen NAME N  skip the next N lines unless the screen is NAME (a|b allowed)
//   wait-frames N            let N frames pass
//   drag ID DX DY            put a finger on touch target ID, move it DX, DY pixels over 10
//                            frames, lift it (a list scrolled by hand)
//   screenshot NAME          save the next frame as NN-NAME.png in the screenshot folder
//   <anything else>          passed to the app's command handler (e.g. "scan TEXT")
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "gatehouse/core/result.hpp"

namespace gatehouse::ui {

struct ScriptLine {
  int number = 0;
  std::string command;
  std::string argument;
};

Result<std::vector<ScriptLine>> parseScript(const std::string& text);
Result<std::vector<ScriptLine>> loadScript(const std::string& path);

class ScriptPlayer {
 public:
  struct Hooks {
    std::function<std::string()> screenName;
    // Returns an error to fail the script; handled app commands return Ok. An error with code
    // "again" keeps the command current: it is called again next frame (commands that wait).
    std::function<Status(const ScriptLine&)> command;
  };
  ScriptPlayer(std::vector<ScriptLine> lines, Hooks hooks);

  // Call after the platform backend's NewFrame and before ImGui::NewFrame: injects the pointer.
  void beforeNewFrame();
  // Call after the frame is built. Returns the screenshot name requested for this frame, if any.
  std::string afterFrame();

  bool finished() const { return next_ >= lines_.size() && phase_ == Phase::Idle; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  enum class Phase { Idle, Hover, Press, Drag, Release };
  void fail(const ScriptLine& line, const std::string& why);
  bool startTap(const std::string& id);
  using Clock = std::chrono::steady_clock;
  // One step of each kind; `true` means the frame is used up (the script resumes next frame).
  bool stepPointer();
  void armDeadline(Clock::time_point now, Clock::duration wait);
  bool stepKeys(const ScriptLine& line, Clock::time_point now);
  bool stepTap(const ScriptLine& line, Clock::time_point now);
  bool stepDrag(const ScriptLine& line, Clock::time_point now);
  bool stepWaitScreen(const ScriptLine& line, Clock::time_point now);
  bool stepOther(const ScriptLine& line);

  std::vector<ScriptLine> lines_;
  Hooks hooks_;
  std::size_t next_ = 0;
  Phase phase_ = Phase::Idle;
  float x_ = -1, y_ = -1;
  float dragDx_ = 0, dragDy_ = 0;  // per frame, while dragging
  int dragFrames_ = 0;
  std::vector<std::string> pendingKeys_;
  int waitFrames_ = 0;
  std::chrono::steady_clock::time_point deadline_{};
  bool waiting_ = false;
  std::string error_;
};

// True when `current` is one of the '|'-separated screen names in `names`.
bool screenMatches(const std::string& names, const std::string& current);

// Splits UTF-8 text into the ids of the keyboard keys that type it ("key:a", "key:space", ...).
std::vector<std::string> keyIdsFor(const std::string& text);
// Lower-cases ASCII and Cyrillic letters in UTF-8.
std::string utf8Lower(const std::string& text);
std::string utf8Upper(const std::string& text);

}  // namespace gatehouse::ui
