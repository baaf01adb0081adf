// The script player's kiosk commands: what each one does to the kiosk, or waits for.
#include "script_commands.hpp"

#include <imgui.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gatehouse/ui/layout_report.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"

namespace gatehouse::kiosk {
namespace {

using Steady = std::chrono::steady_clock;

// "@FILE" reads the argument from FILE (trailing blanks dropped), anything else is itself.
std::string readArgument(const std::string& arg) {
  if (!arg.empty() && arg[0] == '@') {
    std::ifstream in(arg.substr(1));
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
  }
  return arg;
}

// Text as the visitor reads it: a no-break space is a space.
std::string readable(std::string s) {
  for (std::size_t at; (at = s.find("\xC2\xA0")) != std::string::npos;) s.replace(at, 2, " ");
  return s;
}

// Whether the last frame drew TEXT, in a line of text or on a control.
bool drawn(const std::string& text) {
  for (const auto& item : ui::LayoutReport::instance().items())
    if (readable(item.label).find(text) != std::string::npos) return true;
  return false;
}

double secondsOr(const std::string& argument, double fallback) {
  return argument.empty() ? fallback : std::atof(argument.c_str());
}

}  // namespace

// Waiting commands answer "again" until done, so frames (and the status file) keep going.
Status ScriptCommands::waitFor(bool done, double seconds, const std::string& what) {
  if (done) {
    waitDeadline_.reset();
    return Ok{};
  }
  if (!waitDeadline_)
    waitDeadline_ = Steady::now() + std::chrono::milliseconds(static_cast<long>(seconds * 1000));
  if (Steady::now() > *waitDeadline_) {
    waitDeadline_.reset();
    return makeError("script", "timed out waiting for " + what);
  }
  return makeError("again", what);
}

Status ScriptCommands::usbCommand(const ui::ScriptLine& line) {
  if (!t_.devices.usb) return makeError("script", line.command + " needs [devices.usb]");
  const std::string& lastQr = t_.devices.printer->lastExitQr();
  // "@badge": the exit QR of the last badge this kiosk printed, held up to the scanner.
  if (line.argument == "@badge" && lastQr.empty())
    return makeError("script", "no badge printed yet");
  return t_.devices.usb->scriptCommand(
      line.command, line.argument == "@badge" ? lastQr : readArgument(line.argument));
}

Status ScriptCommands::expectLayout() const {
  const auto problems = ui::TouchRegistry::instance().layoutProblems(
      ImVec2(static_cast<float>(t_.width), static_cast<float>(t_.height)));
  if (problems.empty()) return Ok{};
  std::string all;
  for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
  return makeError("script",
                   "layout on " + std::string(flow::toString(t_.flow.state())) + ": " + all);
}

Status ScriptCommands::run(const ui::ScriptLine& line) {
  const std::string& c = line.command;
  if (KioskUsb::isScriptCommand(c)) return usbCommand(line);
  if (c == "scan") {
    t_.events.post(
        flow::Event::withText(flow::EventKind::CodeScanned, readArgument(line.argument)));
    return Ok{};
  }
  if (c == "camera-fault") {
    t_.devices.camera->setFault(line.argument == "none" ? "" : line.argument);
    return Ok{};
  }
  if (c == "expect-spoken") {  // the last prompt spoken contains TEXT
    const auto prompts = t_.devices.spoken->prompts();
    if (!prompts.empty() && prompts.back().text.find(line.argument) != std::string::npos)
      return Ok{};
    return makeError("script", "last prompt is \"" +
                                   (prompts.empty() ? std::string() : prompts.back().text) +
                                   "\", expected \"" + line.argument + "\"");
  }
  if (c == "camera-sim") return t_.devices.camera->simulate(line.argument);
  if (c == "theme") {
    auto theme = ui::themeFromString(line.argument);
    if (!theme) return makeError("script", "unknown theme " + line.argument);
    ui::applyTheme(*theme);
    return Ok{};
  }
  if (c == "scan-badge") {  // hold the last printed badge up to the camera
    const std::string qr = t_.devices.printer->lastExitQr();
    if (qr.empty()) return makeError("script", "no badge printed yet");
    t_.events.post(flow::Event::withText(flow::EventKind::CodeScanned, qr));
    return Ok{};
  }
  if (c == "wait-cache")  // pass keys and revocations are cached: passes can be checked
    return waitFor(t_.outbox.get("estate_keys").has_value(), 30, "estate keys in the cache");
  if (c == "wait-synced")  // everything in the outbox has reached the database
    return waitFor(
        (!t_.writer || t_.writer->idle()) && t_.worker.online() && t_.outbox.depth() == 0,
        secondsOr(line.argument, 60), "the outbox to drain");
  if (c == "wait-id")  // an ID document (MRZ, PDF417) filled "About you"
    return waitFor(!t_.flow.session().visitor.documentType.empty(), secondsOr(line.argument, 60),
                   "an ID document");
  if (c == "expect-reason") {
    if (t_.flow.session().reason == line.argument) return Ok{};
    return makeError("script", "reason is \"" + t_.flow.session().reason + "\", expected \"" +
                                   line.argument + "\"");
  }
  if (c == "wait-file") {  // a test harness says it may go on
    std::istringstream args(line.argument);
    std::string file;
    double seconds = 60;
    args >> file >> seconds;
    return waitFor(std::filesystem::exists(file), seconds, file);
  }
  if (c == "wait-online") {
    if (!t_.worker.online()) return makeError("script", "not online");  // use wait-screen for waits
    return Ok{};
  }
  if (c == "expect-disabled") {  // drawn in the last frame, but cannot be tapped
    const ui::TouchTarget* target = ui::TouchRegistry::instance().find(line.argument);
    if (!target) return makeError("script", line.argument + " is not on screen");
    if (target->enabled) return makeError("script", line.argument + " can be tapped");
    return Ok{};
  }
  if (c == "expect-text") {  // the last frame drew TEXT (a card's field, a notice, a label)
    if (drawn(line.argument)) return Ok{};
    return makeError("script", "\"" + line.argument + "\" is not on screen");
  }
  if (c == "expect-no-text") {
    if (!drawn(line.argument)) return Ok{};
    return makeError("script", "\"" + line.argument + "\" is on screen");
  }
  if (c == "expect-layout") return expectLayout();  // every touch target on screen and apart
  if (c == "print") {
    std::printf("%s\n", line.argument.c_str());
    std::fflush(stdout);
    return Ok{};
  }
  return makeError("script", "unknown command");
}

}  // namespace gatehouse::kiosk
