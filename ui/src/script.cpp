// The scripted-input driver: taps by touch-target id, typing on the on-screen keyboard, waits.
#include "gatehouse/ui/script.hpp"

#include <imgui.h>

#include <fstream>
#include <sstream>

#include "gatehouse/ui/touch.hpp"

namespace gatehouse::ui {
namespace {

constexpr auto kTapWait = std::chrono::seconds(10);

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Decodes one UTF-8 code point at s[i], advancing i.
char32_t next(const std::string& s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : 3;
  char32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
  ++i;
  for (int k = 0; k < extra && i < s.size(); ++k, ++i)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  return cp;
}

void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

char32_t lower(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;
  if (c == 0x401) return 0x451;
  return c;
}
char32_t upper(char32_t c) {
  if (c >= 'a' && c <= 'z') return c - 32;
  if (c >= 0x430 && c <= 0x44F) return c - 0x20;
  if (c == 0x451) return 0x401;
  return c;
}

template <typename F>
std::string mapUtf8(const std::string& text, F f) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) append(out, f(next(text, i)));
  return out;
}

}  // namespace

std::string utf8Lower(const std::string& text) { return mapUtf8(text, lower); }
std::string utf8Upper(const std::string& text) { return mapUtf8(text, upper); }

std::vector<std::string> keyIdsFor(const std::string& text) {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t cp = lower(next(text, i));
    if (cp == ' ') {
      ids.emplace_back("key:space");
    } else {
      std::string id = "key:";
      append(id, cp);
      ids.push_back(id);
    }
  }
  return ids;
}

Result<std::vector<ScriptLine>> parseScript(const std::string& text) {
  std::vector<ScriptLine> lines;
  std::istringstream in(text);
  std::string raw;
  int number = 0;
  while (std::getline(in, raw)) {
    ++number;
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.find(' ');
    ScriptLine l{number, line.substr(0, space),
                 space == std::string::npos ? "" : trim(line.substr(space + 1))};
    if ((l.command == "tap" || l.command == "drag" || l.command == "wait-screen" ||
         l.command == "screenshot" || l.command == "wait-frames" ||
         l.command == "skip-unless-screen") &&
        l.argument.empty()) {
      return makeError("script",
                       "line " + std::to_string(number) + ": " + l.command + " needs an argument");
    }
    if (l.command == "drag") {
      std::istringstream args(l.argument);
      std::string id;
      float dx = 0, dy = 0;
      if (!(args >> id >> dx >> dy))
        return makeError("script", "line " + std::to_string(number) +
                                       ": drag needs a touch id and two distances (drag ID DX DY)");
    }
    lines.push_back(std::move(l));
  }
  return lines;
}

Result<std::vector<ScriptLine>> loadScript(const std::string& path) {
  std::ifstream in(path);
  if (!in) return makeError("not_found", path + ": cannot open script");
  std::stringstream ss;
  ss << in.rdbuf();
  return parseScript(ss.str());
}

bool screenMatches(const std::string& names, const std::string& current) {
  for (std::size_t start = 0; start <= names.size();) {
    const auto bar = names.find('|', start);
    const auto end = bar == std::string::npos ? names.size() : bar;
    if (end - start == current.size() && names.compare(start, end - start, current) == 0)
      return true;
    start = end + 1;
  }
  return false;
}

ScriptPlayer::ScriptPlayer(std::vector<ScriptLine> lines, Hooks hooks)
    : lines_(std::move(lines)), hooks_(std::move(hooks)) {}

void ScriptPlayer::fail(const ScriptLine& line, const std::string& why) {
  error_ = "script line " + std::to_string(line.number) + " (" + line.command + " " +
           line.argument + "): " + why;
  next_ = lines_.size();
  phase_ = Phase::Idle;
}

bool ScriptPlayer::startTap(const std::string& id) {
  const TouchTarget* t = TouchRegistry::instance().find(id);
  if (!t || !t->enabled) return false;
  x_ = (t->min.x + t->max.x) * 0.5f;
  y_ = (t->min.y + t->max.y) * 0.5f;
  phase_ = Phase::Hover;
  return true;
}

void ScriptPlayer::beforeNewFrame() {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(x_, y_);
  io.MouseDown[0] = phase_ == Phase::Press || phase_ == Phase::Drag;
}

// A tap spans three frames: hover, press, release (ImGui clicks on release); a drag moves in
// between. A pending wait-frames count also uses up the frame.
bool ScriptPlayer::stepPointer() {
  switch (phase_) {
    case Phase::Hover:
      phase_ = Phase::Press;
      return true;
    case Phase::Press:
      phase_ = dragFrames_ > 0 ? Phase::Drag : Phase::Release;
      return true;
    case Phase::Drag:
      x_ += dragDx_;
      y_ += dragDy_;
      if (--dragFrames_ == 0) phase_ = Phase::Release;
      return true;
    case Phase::Release:
      phase_ = Phase::Idle;
      x_ = y_ = -1;  // lift the finger off the screen
      return true;
    case Phase::Idle:
      break;
  }
  if (waitFrames_ > 0) {
    --waitFrames_;
    return true;
  }
  return false;
}

void ScriptPlayer::armDeadline(Clock::time_point now, Clock::duration wait) {
  if (waiting_) return;
  waiting_ = true;
  deadline_ = now + wait;
}

// The keys of a "type" line, one tap each; the line is done when the last key is tapped.
bool ScriptPlayer::stepKeys(const ScriptLine& line, Clock::time_point now) {
  armDeadline(now, kTapWait);
  if (startTap(pendingKeys_.front())) {
    pendingKeys_.erase(pendingKeys_.begin());
    waiting_ = false;
    if (pendingKeys_.empty()) ++next_;
  } else if (now > deadline_) {
    fail(line, "keyboard key " + pendingKeys_.front() + " not on screen");
  }
  return true;
}

bool ScriptPlayer::stepTap(const ScriptLine& line, Clock::time_point now) {
  armDeadline(now, kTapWait);
  if (startTap(line.argument)) {
    waiting_ = false;
    ++next_;
  } else if (now > deadline_) {
    fail(line, "no enabled touch target with this id on screen (" +
                   (hooks_.screenName ? hooks_.screenName() : std::string("?")) + ")");
  }
  return true;
}

bool ScriptPlayer::stepDrag(const ScriptLine& line, Clock::time_point now) {
  std::istringstream args(line.argument);
  std::string id;
  float dx = 0, dy = 0;
  if (!(args >> id >> dx >> dy)) {
    fail(line, "needs ID DX DY");
    return true;
  }
  armDeadline(now, kTapWait);
  if (startTap(id)) {
    waiting_ = false;
    constexpr int kSteps = 10;
    dragFrames_ = kSteps;
    dragDx_ = dx / kSteps;
    dragDy_ = dy / kSteps;
    ++next_;
  } else if (now > deadline_) {
    fail(line, "no enabled touch target with this id on screen");
  }
  return true;
}

bool ScriptPlayer::stepWaitScreen(const ScriptLine& line, Clock::time_point now) {
  std::istringstream args(line.argument);
  std::string name;
  double seconds = 30;
  args >> name >> seconds;
  armDeadline(now, std::chrono::milliseconds(static_cast<long>(seconds * 1000)));
  const std::string current = hooks_.screenName ? hooks_.screenName() : "";
  if (screenMatches(name, current)) {
    waiting_ = false;
    ++next_;
    waitFrames_ = 2;  // let the new screen lay itself out before the next command
  } else if (now > deadline_) {
    fail(line, "screen is still " + current);
  }
  return true;
}

// A command the app defines (hooks_.command); "again" means it waits for something.
bool ScriptPlayer::stepOther(const ScriptLine& line) {
  if (!hooks_.command) {
    fail(line, "unknown command");
    return true;
  }
  if (auto s = hooks_.command(line); !s) {
    if (s.error().code != "again") fail(line, s.error().message);
    return true;  // ask once more next frame
  }
  ++next_;
  return false;
}

std::string ScriptPlayer::afterFrame() {
  if (stepPointer()) return {};
  const auto now = Clock::now();
  while (next_ < lines_.size() && phase_ == Phase::Idle) {
    const ScriptLine& line = lines_[next_];
    bool frameUsed = false;
    if (!pendingKeys_.empty()) {
      frameUsed = stepKeys(line, now);
    } else if (line.command == "tap") {
      frameUsed = stepTap(line, now);
    } else if (line.command == "drag") {
      frameUsed = stepDrag(line, now);
    } else if (line.command == "type") {
      pendingKeys_ = keyIdsFor(line.argument);
      if (pendingKeys_.empty()) ++next_;
    } else if (line.command == "wait-screen") {
      frameUsed = stepWaitScreen(line, now);
    } else if (line.command == "skip-unless-screen") {
      std::istringstream args(line.argument);
      std::string name;
      std::size_t count = 0;
      args >> name >> count;
      const bool here = screenMatches(name, hooks_.screenName ? hooks_.screenName() : "");
      next_ += here ? 1 : 1 + count;
    } else if (line.command == "wait-frames") {
      waitFrames_ = std::stoi(line.argument);
      ++next_;
      frameUsed = true;
    } else if (line.command == "screenshot") {
      ++next_;
      return line.argument;
    } else {
      frameUsed = stepOther(line);
    }
    if (frameUsed) return {};
  }
  return {};
}

}  // namespace gatehouse::ui
