// Every kiosk screen in every state, language, theme and keyboard state fits one panel size:
// drawn offscreen with the real screens, checked from the items the widgets report.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fakes.hpp"
#include "gatehouse/ui/app_window.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/layout_report.hpp"
#include "gatehouse/ui/script.hpp"
#include "gatehouse/ui/theme.hpp"
#include "gatehouse/ui/touch.hpp"
#include "screen.hpp"
#include "widgets.hpp"

namespace gatehouse::kiosk::screens {
namespace {

namespace fs = std::filesystem;
using flow::Event;
using flow::EventKind;
using flow::State;

struct Size {
  int width, height;
};

// The fakes of the flow's ports, and a flow that speaks every language the kiosk ships.
struct Rig {
  explicit Rig(const std::vector<std::string>& languages) : config(configFor(languages)) {}
  static flow::FlowConfig configFor(const std::vector<std::string>& languages) {
    flow::FlowConfig c;
    c.languages = languages;
    return c;
  }
  flow::testing::FakeBackend backend;
  flow::testing::FakeTrust trust;
  flow::testing::FakeCamera camera;
  flow::testing::FakePrinter printer;
  flow::testing::FakePins pins;
  flow::testing::FakeGate gate;
  ManualClock clock;
  flow::FlowConfig config;
  flow::Flow flow{flow::Ports{&backend, &trust, &camera, &printer, &pins, &gate}, clock, config};
};

using Step = std::function<Event(Rig&)>;

Step ev(EventKind k) {
  return [k](Rig&) { return Event::of(k); };
}
Step textEv(EventKind k, std::string text) {
  return [k, text](Rig&) { return Event::withText(k, text); };
}
Step visitEv(EventKind k, std::string text = {}) {
  return [k, text](Rig& r) { return Event::forVisit(k, r.flow.session().visitId, text); };
}
// The answer to the last PIN typed, as the kiosk's PIN worker posts it.
Step pinAnswer() {
  return [](Rig& r) {
    return Event::pinChecked(r.flow.session().visitId,
                             flow::testing::FakePins::answer(r.pins.checks.back()));
  };
}
Step directory(int count) {
  return [count](Rig& r) {
    Event e = Event::withText(EventKind::DirectoryLoaded, r.flow.session().query);
    for (int i = 0; i < count; ++i) {
      const std::string b(1, static_cast<char>('A' + i % 6));
      e.entries.push_back({100 + i, b + "-" + std::to_string(1201 + i), b, i % 2 ? "Щ." : "W."});
    }
    if (count > 1) e.entries[1] = {99, "PH-TOWER-2-1204", "PH", "Щ."};  // the longest label
    return e;
  };
}
Step resident() {
  return [](Rig&) {
    Event e = Event::of(EventKind::ResidentChosen);
    e.entry = flow::DirectoryEntry{7, "TOWER-B-1204", "B", "Щ."};
    return e;
  };
}
// An ID read with its card: a passport valid for years, or the longest card there is (a licence
// with its place of issue) that expired long before the rig's clock (2027).
Step idScan(bool expiredLicence = false) {
  return [expiredLicence](Rig&) {
    Event e = Event::of(EventKind::IdScanned);
    e.visitor.name = "Maximiliana Konstantinopolskaya-Wolfeschlegelsteinhausen";
    e.visitor.documentType = expiredLicence ? "aamva" : "mrz";
    e.visitor.documentHash = expiredLicence ? "cd" : "ab";
    e.document.kind = expiredLicence ? "driving_licence" : "passport";
    e.document.name = e.visitor.name;
    e.document.numberEnding = "9C3";
    (expiredLicence ? e.document.issuedIn : e.document.nationality) =
        expiredLicence ? "ON, CAN" : "UTO";
    e.document.dateOfBirth = {1974, 9, 28};
    e.document.expiry =
        expiredLicence ? flow::CalendarDate{2012, 11, 30} : flow::CalendarDate{2034, 12, 31};
    return e;
  };
}
Step details(const std::string& purpose) {
  return [purpose](Rig&) {
    Event e = Event::of(EventKind::DetailsSubmitted);
    e.visitor.name = "Maximiliana Konstantinopolskaya-Wolfeschlegelsteinhausen";
    e.visitor.phone = "+7 900 123 45 67";
    e.visitor.purpose = purpose;
    return e;
  };
}
Step photo() {
  return [](Rig&) {
    Event e = Event::of(EventKind::PhotoCaptured);
    e.bytes = {0xFF, 0xD8, 1, 2, 3};
    e.text = "too_dark";
    return e;
  };
}
Step fault(flow::Device d, std::string code) {
  return [d, code](Rig&) { return Event::fault(d, code); };
}
Step gateFails() {
  return [](Rig& r) {
    r.gate.failing = true;
    return Event::of(EventKind::UserActivity);
  };
}
Step validPass() {
  return [](Rig& r) {
    InvitationPass p;
    p.estateId = 1;
    p.keyId = 1;
    p.invitationId = Uuid::random();
    p.validFrom = r.clock.unixSeconds() - 3600;
    p.validUntil = r.clock.unixSeconds() + 3600;
    p.guestName = "Maximiliana Konstantinopolskaya";
    p.unitLabel = "TOWER-B-1204";
    return Event::withText(EventKind::CodeScanned, encodePass(p, r.trust.keys.secretKey));
  };
}
Step badge() {
  return [](Rig&) {
    return Event::withText(EventKind::CodeScanned, ExitToken::generate(Uuid::random()).encode());
  };
}
Step offline() {
  return [](Rig&) { return Event::connectivity(false); };
}

// One state of one screen: the events that lead there from Welcome, then scripted touches
// (keyboards, PIN pad) on the screen itself.
struct Scene {
  Scene(std::string n, std::vector<Step> s, std::string sc, bool p = false, std::string h = {},
        bool g = true)
      : name(std::move(n)),
        steps(std::move(s)),
        script(std::move(sc)),
        preview(p),
        previewHint(std::move(h)),
        hasGate(g) {}
  std::string name;
  std::vector<Step> steps;
  std::string script;
  bool preview;  // the camera has a live frame
  std::string previewHint;
  bool hasGate;
};

std::vector<Step> operator+(std::vector<Step> a, const std::vector<Step>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<Scene> scenes() {
  const std::vector<Step> find{ev(EventKind::StartWalkIn), textEv(EventKind::QueryChanged, "1"),
                               directory(60)};
  const std::vector<Step> toDetails = find + std::vector<Step>{resident(), idScan()};
  const std::vector<Step> toPhoto = toDetails + std::vector<Step>{details("contractor")};
  const std::vector<Step> toWaiting =
      toPhoto + std::vector<Step>{ev(EventKind::TakePhoto), photo(), ev(EventKind::PhotoAccepted)};
  const std::vector<Step> approved{visitEv(EventKind::DecisionReceived, "approved")};
  const std::vector<Step> toGuard = toWaiting + std::vector<Step>{ev(EventKind::ApprovalTimeout)};
  const std::vector<Step> toExitPhoto{ev(EventKind::StartExit), badge()};
  const std::vector<Step> toChecking{ev(EventKind::StartPass), validPass()};
  std::vector<Scene> out{
      {"welcome", {}, ""},
      {"welcome-offline", {offline()}, ""},
      {"find-empty", {ev(EventKind::StartWalkIn)}, ""},
      {"find-none",
       {ev(EventKind::StartWalkIn), textEv(EventKind::QueryChanged, "zz9"), directory(0)},
       ""},
      {"find-full", find, ""},
      {"find-few",
       {ev(EventKind::StartWalkIn), textEv(EventKind::QueryChanged, "1"), directory(3)},
       ""},
      {"details-card", toDetails, ""},
      {"details-name-tapped", toDetails, "tap details.name\n"},
      {"details-phone-keyboard", toDetails, "tap details.phone\ntype 7900123\n"},
      {"details-incomplete", toDetails + std::vector<Step>{details("")}, ""},
      {"details-name-keyboard", find + std::vector<Step>{resident()}, ""},
      {"details-card-expired", toDetails + std::vector<Step>{idScan(true)}, ""},
      {"details-card-expired-phone", toDetails + std::vector<Step>{idScan(true)},
       "tap details.phone\ntype 7900123\n"},
      {"photo-starting", toPhoto, ""},
      {"photo-preview", toPhoto, "", true, "move_closer"},
      {"photo-taking", toPhoto + std::vector<Step>{ev(EventKind::TakePhoto)}, "", true},
      {"photo-review", toPhoto + std::vector<Step>{ev(EventKind::TakePhoto), photo()}, "", true},
      {"waiting", toWaiting, ""},
      {"guard", toGuard, ""},
      {"guard-offline", toWaiting + std::vector<Step>{offline()}, ""},
      {"guard-pin", toGuard, "tap guard.pin\ntype 12\n"},
      {"guard-pin-wrong",
       toGuard + std::vector<Step>{textEv(EventKind::GuardPinEntered, "0000"), pinAnswer()},
       "tap guard.pin\n"},
      {"guard-pin-checking",
       toGuard + std::vector<Step>{textEv(EventKind::GuardPinEntered, "432198")},
       "tap guard.pin\n"},
      {"approved", toWaiting + approved, ""},
      {"printing", toWaiting + approved + std::vector<Step>{visitEv(EventKind::PrintJobAccepted)},
       ""},
      {"done-gate",
       toWaiting + approved +
           std::vector<Step>{visitEv(EventKind::PrintJobAccepted),
                             visitEv(EventKind::PrintCompleted)},
       ""},
      {"done-no-gate",
       toWaiting + approved +
           std::vector<Step>{visitEv(EventKind::PrintJobAccepted),
                             visitEv(EventKind::PrintCompleted)},
       "", false, "", false},
      {"denied", toWaiting + std::vector<Step>{visitEv(EventKind::DecisionReceived, "denied")}, ""},
      {"scan-pass", {ev(EventKind::StartPass)}, "", true},
      {"checking-pass", toChecking, ""},
      {"scan-badge", {ev(EventKind::StartExit)}, "", true},
      {"exit-photo", toExitPhoto, "", true},
      {"exit-photo-faceless",
       toExitPhoto + std::vector<Step>{textEv(EventKind::PhotoCaptured, "no_face")}, "", true},
      {"recording-exit", toExitPhoto + std::vector<Step>{photo()}, ""},
      {"exit-done", toExitPhoto + std::vector<Step>{photo(), visitEv(EventKind::ExitRecorded)}, ""},
      {"guard-help-lost-badge", {ev(EventKind::StartExit), ev(EventKind::LostBadge)}, ""},
      {"guard-called", toWaiting + std::vector<Step>{ev(EventKind::CallGuard)}, ""},
      {"badge-rejected",
       toExitPhoto + std::vector<Step>{photo(), visitEv(EventKind::ExitRefused, "not_checked_in")},
       ""},
      {"fault-camera", toPhoto + std::vector<Step>{fault(flow::Device::Camera, "no_frames")}, ""},
      {"fault-scanner",
       {ev(EventKind::StartPass), fault(flow::Device::Scanner, "disconnected")},
       ""},
      {"fault-printer",
       toWaiting + approved + std::vector<Step>{fault(flow::Device::Printer, "queue_not_found")},
       ""},
      {"fault-gate",
       toWaiting + approved +
           std::vector<Step>{visitEv(EventKind::PrintJobAccepted), gateFails(),
                             visitEv(EventKind::PrintCompleted)},
       ""},
  };
  // Every reason a pass can be refused for: each one is a different sentence.
  for (const std::string& key : dynamicTranslationKeys()) {
    if (key.rfind("reason.", 0) != 0) continue;
    out.emplace_back("pass-rejected-" + key.substr(7),
                     toChecking + std::vector<Step>{visitEv(EventKind::PassRefused, key.substr(7))},
                     "");
  }
  return out;
}

std::string envOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

class KioskLayout : public ::testing::TestWithParam<Size> {
 protected:
  void SetUp() override {
    const Size size = GetParam();
    auto w =
        ui::AppWindow::open({"layout", size.width, size.height, ui::WindowMode::Offscreen, false});
    ASSERT_TRUE(w) << w.error().message;
    window_ = std::move(w.value());
    ASSERT_EQ(window_->width(), size.width);
    ASSERT_EQ(window_->height(), size.height);
    // As the kiosk scales itself (kiosk_app.cpp).
    scale_ = ui::displayScale(size.width, size.height);
    ui::setPixelsPerMillimetre(5.6f * scale_);
    auto f = ui::loadFonts(scale_);
    ASSERT_TRUE(f) << f.error().message;
    const std::string source = envOr("GATEHOUSE_SOURCE_DIR", ".");
    const std::string langDir = fs::exists(source + "/assets/lang/kiosk")
                                    ? source + "/assets/lang/kiosk"
                                    : source + "/assets/lang";
    auto loaded = tr_.loadDirectory(langDir);
    ASSERT_TRUE(loaded) << loaded.error().message;
    std::vector<std::uint8_t> grey(1280 * 720 * 3, 128);
    preview_.update(grey.data(), 1280, 720);
    // One folder per test and size: the cases of one size run in parallel under ctest -j.
    shots_ = fs::path(envOr("GATEHOUSE_LAYOUT_SHOTS", fs::temp_directory_path() / "gh-layout")) /
             (std::to_string(size.width) + "x" + std::to_string(size.height)) /
             ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(shots_);
    fs::create_directories(shots_);
    ui::LayoutReport::instance().setEnabled(true);
  }
  void TearDown() override {
    ui::LayoutReport::instance().setEnabled(false);
    setReachMode(false);
  }

  // A scene's flow, brought to its state, and the screens drawing it.
  struct Stage {
    Stage(const Scene& sc, const std::vector<std::string>& languages) : scene(sc), rig(languages) {}
    const Scene& scene;
    Rig rig;
    ScreenSet screens;
    std::vector<Event> emitted;
  };

  // Applies the scene's events in `language`; returns why that failed, if it did.
  std::string enter(Stage& st, const std::string& language) {
    st.rig.flow.handle(Event::withText(EventKind::SelectLanguage, language));
    for (const Step& step : st.scene.steps) {
      const Event e = step(st.rig);
      if (st.rig.flow.handle(e) != flow::Outcome::Applied)
        return st.scene.name + ": the flow refused " + flow::toString(e.kind) + " in " +
               flow::toString(st.rig.flow.state());
    }
    tr_.setLanguage(language);
    return {};
  }

  // Builds one frame of the stage's screen (not yet rendered).
  void drawFrame(Stage& st, ui::ScriptPlayer& player) {
    window_->beginFrame();
    player.beforeNewFrame();
    ImGui::NewFrame();
    ui::LayoutReport::instance().beginFrame();
    ScreenContext ctx(st.rig.flow, tr_, [&](Event e) { st.emitted.push_back(std::move(e)); });
    ctx.estateName = "Harbour View Residences · Main gate";
    ctx.preview = st.scene.preview ? &preview_ : nullptr;
    ctx.previewHint = st.scene.previewHint;
    ctx.photo = &preview_;
    ctx.seconds = 12;
    ctx.hasGate = st.scene.hasGate;
    ctx.gateDirections = "Building B is straight ahead; the lift is on the left.";
    st.screens.forState(st.rig.flow.state()).draw(ctx);
    player.afterFrame();
  }

  // Plays `script` on the stage until it is done and the screen has settled; the last frame is
  // left built and not rendered, for the caller to check and render (or save).
  std::string play(Stage& st, const std::string& script) {
    auto lines = ui::parseScript(script);
    if (!lines) return lines.error().message;
    ui::ScriptPlayer player(
        *lines, {[&] { return std::string(flow::toString(st.rig.flow.state())); }, nullptr});
    int settled = 0;
    for (int frame = 0; frame < 600; ++frame) {
      drawFrame(st, player);
      settled = player.finished() ? settled + 1 : 0;
      if (settled == 3 || player.failed()) return player.error();
      ImGui::Render();  // only a frame that is saved needs the GPU (llvmpipe: ~50 ms at 1080p)
      for (const Event& e : st.emitted) {
        if (e.kind != EventKind::QueryChanged) st.rig.flow.handle(e);  // no search: results stay
      }
      st.emitted.clear();
    }
    ImGui::Render();
    return "the script did not finish in 600 frames";
  }

  // Renders the frame play() left open, saving it as `shot` when asked to.
  std::string render(const fs::path& shot, bool save) {
    if (!save) {
      ImGui::Render();
      return {};
    }
    auto saved = window_->endFrame(shot.string());
    return saved ? std::string() : "screenshot: " + saved.error().message;
  }

  // GATEHOUSE_LAYOUT_SHOTS_ALL=1 saves every frame; any other value, the frames whose name
  // contains one of its comma-separated parts (for a visual review).
  static bool wanted(const std::string& variant) {
    const std::string all = envOr("GATEHOUSE_LAYOUT_SHOTS_ALL", "");
    if (all.empty()) return false;
    if (all == "1") return true;
    std::istringstream parts(all);
    for (std::string part; std::getline(parts, part, ',');)
      if (!part.empty() && variant.find(part) != std::string::npos) return true;
    return false;
  }

  // Reach mode adds a line: every control below the middle of the screen, "Call a guard" among
  // them on every screen (all have the header) until a guard is called.
  ui::LayoutRules rules(bool guardCalled = false) const {
    const ImVec2 viewport(static_cast<float>(window_->width()),
                          static_cast<float>(window_->height()));
    ui::LayoutRules r{viewport,
                      28.0f * scale_,
                      reachMode() ? std::optional<float>(viewport.y * 0.5f) : std::nullopt,
                      {}};
    if (reachMode() && !guardCalled) r.requiredTouch = {"guard.call"};
    return r;
  }

  // Reach mode, a guard called: "A guard is coming" where "Call a guard" was, in the lower half.
  std::vector<std::string> guardComingProblems(const Stage& st) const {
    if (!reachMode() || !st.rig.flow.session().guardCalled) return {};
    const std::string coming = tr_.tr("guard.coming");
    for (const auto& i : ui::LayoutReport::instance().items())
      if (i.kind == ui::ItemKind::Text && i.label == coming &&
          i.min.y >= static_cast<float>(window_->height()) * 0.5f)
        return {};
    return {"\"" + coming + "\" is not in the lower half"};
  }

  // The scene in one language and theme: every problem of its settled frame, each naming the
  // screenshot of that frame.
  std::vector<std::string> run(const Scene& scene, const std::string& language, ui::Theme theme,
                               bool reach, std::set<State>& reached) {
    Stage st(scene, tr_.languages());
    setReachMode(reach);
    if (auto e = enter(st, language); !e.empty()) return {e};
    ui::applyTheme(theme);
    reached.insert(st.rig.flow.state());
    const std::string played = play(st, scene.script);
    std::vector<std::string> problems = ui::layoutProblems(
        ui::LayoutReport::instance().items(), rules(st.rig.flow.session().guardCalled));
    for (auto& p : guardComingProblems(st)) problems.push_back(p);
    if (!played.empty()) problems.push_back("script: " + played);
    const std::string variant =
        scene.name + "-" + language + "-" + ui::toString(theme) + (reach ? "-reach" : "");
    const fs::path shot = shots_ / (variant + ".png");
    if (auto e = render(shot, !problems.empty() || wanted(variant)); !e.empty())
      problems.push_back(e);
    for (auto& p : problems) p = variant + ": " + p + " [" + shot.string() + "]";
    return problems;
  }

  std::unique_ptr<ui::AppWindow> window_;
  ui::Translations tr_;
  ui::Texture preview_;
  fs::path shots_;
  float scale_ = 1;
};

TEST_P(KioskLayout, EveryScreenStateLanguageThemeAndReachModeFits) {
  std::set<State> reached;
  std::vector<std::string> problems;
  const auto all = scenes();
  for (const std::string& language : tr_.languages()) {
    for (ui::Theme theme : {ui::Theme::Light, ui::Theme::Dark, ui::Theme::HighContrast}) {
      for (bool reach : {false, true}) {
        for (const Scene& scene : all) {
          auto p = run(scene, language, theme, reach, reached);
          problems.insert(problems.end(), p.begin(), p.end());
        }
      }
    }
  }
  // New states join the flow's list; each needs a scene here, or this fails.
  for (int i = 0; i < flow::kStateCount; ++i) {
    EXPECT_TRUE(reached.count(static_cast<State>(i)))
        << "no layout scene reaches " << flow::toString(static_cast<State>(i));
  }
  std::string report;
  for (std::size_t i = 0; i < problems.size() && i < 40; ++i) report += problems[i] + "\n";
  EXPECT_TRUE(problems.empty()) << problems.size() << " layout problems (screenshots named):\n"
                                << report;
}

// Whether the frame play() left drew `part` in some text or control.
bool drawn(const std::string& part) {
  for (const auto& i : ui::LayoutReport::instance().items())
    if (i.label.find(part) != std::string::npos) return true;
  return false;
}

// The card of an expired licence stays while the visitor types a phone number (beside the pad, or
// above it in reach mode) and goes at the first key of a name of their own; every frame fits.
TEST_P(KioskLayout, TheCardStaysForThePhoneAndGoesWhenTheVisitorTypesAName) {
  for (bool reach : {false, true}) {
    const Scene scene("details-card",
                      {ev(EventKind::StartWalkIn), textEv(EventKind::QueryChanged, "1"),
                       directory(60), resident(), idScan(true)},
                      "");
    Stage st(scene, tr_.languages());
    setReachMode(reach);
    ASSERT_EQ(enter(st, "en"), "");
    ui::applyTheme(ui::Theme::Light);
    const std::string notice = tr_.format("details.card.expired", {{"date", "30 Nov 2012"}});
    auto fits = [&](const char* shot) {
      render(shots_ / (std::string(shot) + (reach ? "-reach" : "") + ".png"), true);
      auto problems = ui::layoutProblems(ui::LayoutReport::instance().items(), rules());
      EXPECT_TRUE(problems.empty()) << shot << ": " << problems.front();
    };
    ASSERT_EQ(play(st, ""), "");
    EXPECT_TRUE(drawn("•••••9C3")) << "reach " << reach;
    EXPECT_TRUE(drawn(notice));
    fits("card");
    ASSERT_EQ(play(st, "tap details.phone\ntype 79\n"), "");
    EXPECT_TRUE(drawn("•••••9C3")) << "typing a phone keeps the card, reach " << reach;
    EXPECT_TRUE(drawn(notice));
    fits("card-phone");
    ASSERT_EQ(
        play(st, std::string(reach ? "tap details.done\n" : "") + "tap details.name\ntype a\n"),
        "");
    EXPECT_FALSE(drawn("•••••9C3")) << "a typed name takes the card away, reach " << reach;
    EXPECT_FALSE(drawn(notice));
    fits("card-typed-over");
    ASSERT_EQ(play(st, reach ? "tap details.done\ntap details.phone\n" : "tap details.phone\n"),
              "");
    EXPECT_FALSE(drawn("•••••9C3")) << "and it does not come back, reach " << reach;
    render({}, false);
  }
}

// Fifty flats (the directory's most): the visitor drags the list up until the last one shows, the
// drags choose nothing, and a tap on the last flat chooses it.
// Landscape panels: in portrait fifty flats fit without scrolling.
class ResidentList : public KioskLayout {};

TEST_P(ResidentList, ScrollsByDraggingToTheLastRows) {
  const Scene scene(
      "find-drag",
      {ev(EventKind::StartWalkIn), textEv(EventKind::QueryChanged, "1"), directory(50)}, "");
  Stage st(scene, tr_.languages());
  ASSERT_EQ(enter(st, "en"), "");
  ui::applyTheme(ui::Theme::Light);
  const std::string last = "unit." + st.rig.flow.session().results.back().label;
  const std::string first = "unit." + st.rig.flow.session().results.front().label;
  ASSERT_EQ(play(st, ""), "");
  render({}, false);
  ASSERT_NE(ui::TouchRegistry::instance().find(first), nullptr);
  ASSERT_EQ(ui::TouchRegistry::instance().find(last), nullptr) << "the list should be too long";
  const float dy = static_cast<float>(window_->height()) * 0.2f;
  int drags = 0;
  while (!ui::TouchRegistry::instance().find(last) && drags < 40) {
    // Start on a row that shows now (a finger lands on a button, then drags).
    std::string from;
    for (const auto& r : st.rig.flow.session().results)
      if (ui::TouchRegistry::instance().find("unit." + r.label)) from = "unit." + r.label;
    ASSERT_NE(from, "");
    ASSERT_EQ(play(st, "drag " + from + " 0 -" + std::to_string(dy) + "\n"), "");
    render(shots_ / "find-dragged.png", true);
    ASSERT_EQ(st.rig.flow.state(), State::FindResident) << "a drag chose a flat";
    ++drags;
  }
  ASSERT_NE(ui::TouchRegistry::instance().find(last), nullptr) << drags << " drags";
  EXPECT_GT(drags, 0);
  EXPECT_EQ(ui::TouchRegistry::instance().find(first), nullptr) << "the first rows scrolled away";
  auto problems = ui::layoutProblems(ui::LayoutReport::instance().items(), rules());
  EXPECT_TRUE(problems.empty()) << problems.front();
  ASSERT_EQ(play(st, "tap " + last + "\n"), "");
  render(shots_ / "find-dragged-to-the-end.png", true);
  EXPECT_EQ(st.rig.flow.state(), State::VisitorDetails);
  ASSERT_TRUE(st.rig.flow.session().unit);
  EXPECT_EQ("unit." + st.rig.flow.session().unit->label, last);
}

// The visitor turns reach mode on from Welcome (the button is low in both modes); the visit's
// end turns it off for the next visitor.
TEST_P(KioskLayout, TheVisitorTurnsReachModeOnAndTheNextVisitorStartsWithoutIt) {
  const Scene scene("welcome", {}, "");
  Stage st(scene, tr_.languages());
  ASSERT_EQ(enter(st, "en"), "");
  ui::applyTheme(ui::Theme::Light);
  ASSERT_FALSE(reachMode());
  ASSERT_EQ(play(st, ""), "");
  render({}, false);
  const ui::TouchTarget* toggle = ui::TouchRegistry::instance().find("welcome.reach");
  ASSERT_NE(toggle, nullptr);
  EXPECT_GE(toggle->min.y, static_cast<float>(window_->height()) * 0.5f);
  ASSERT_EQ(play(st, "tap welcome.reach\n"), "");
  render(shots_ / "welcome-reach-on.png", true);
  EXPECT_TRUE(reachMode());
  auto problems = ui::layoutProblems(ui::LayoutReport::instance().items(), rules());
  EXPECT_TRUE(problems.empty()) << problems.front();
  st.screens.resetAll();  // what the kiosk does when the flow comes back to Welcome
  EXPECT_FALSE(reachMode());
}

// reach_mode = "on": every visitor starts in reach mode, and no switch turns it off.
TEST_P(KioskLayout, AKioskFixedInReachModeShowsNoSwitchAndStaysInIt) {
  const Scene scene("welcome", {}, "");
  Stage st(scene, tr_.languages());
  ASSERT_EQ(enter(st, "en"), "");
  ui::applyTheme(ui::Theme::Light);
  setReachPolicy(ReachPolicy::On);
  EXPECT_TRUE(reachMode());
  ASSERT_EQ(play(st, ""), "");
  render(shots_ / "welcome-reach-fixed.png", true);
  EXPECT_EQ(ui::TouchRegistry::instance().find("welcome.reach"), nullptr);
  EXPECT_NE(ui::TouchRegistry::instance().find("welcome.walk_in"), nullptr);
  auto problems = ui::layoutProblems(ui::LayoutReport::instance().items(), rules());
  EXPECT_TRUE(problems.empty()) << problems.front();
  st.screens.resetAll();
  EXPECT_TRUE(reachMode());  // the next visitor too
  setReachPolicy(ReachPolicy::Off);
  EXPECT_FALSE(reachMode());
  ASSERT_EQ(play(st, ""), "");
  render({}, false);
  EXPECT_EQ(ui::TouchRegistry::instance().find("welcome.reach"), nullptr);
  setReachPolicy(ReachPolicy::Toggle);  // the other cases start from the default
}

// A refused pass or badge offers "Call a guard" next to Finish; in reach mode the strip below
// the page (0625) already holds it, so the page does not offer a second one.
TEST_P(KioskLayout, ARefusedPassOrBadgeOffersOneCallAGuardInEitherMode) {
  int seen = 0;
  for (const Scene& scene : scenes()) {
    if (scene.name != "badge-rejected" && scene.name != "pass-rejected-expired") continue;
    ++seen;
    for (bool reach : {false, true}) {
      SCOPED_TRACE(scene.name + (reach ? " reach" : ""));
      Stage st(scene, tr_.languages());
      setReachMode(reach);
      ASSERT_EQ(enter(st, "en"), "");
      ui::applyTheme(ui::Theme::Light);
      ASSERT_EQ(play(st, ""), "");
      render({}, false);
      int calls = 0;
      for (const auto& i : ui::LayoutReport::instance().items())
        if (i.kind == ui::ItemKind::Touch && i.label == tr_.tr("guard.call")) ++calls;
      EXPECT_EQ(calls, reach ? 1 : 2);  // without reach mode the header has one too
      const auto& touch = ui::TouchRegistry::instance();
      EXPECT_NE(touch.find("guard.call"), nullptr);
      EXPECT_EQ(touch.find("outcome.call_guard") != nullptr, !reach);
      EXPECT_NE(touch.find("outcome.finish"), nullptr);
      auto problems = ui::layoutProblems(ui::LayoutReport::instance().items(), rules());
      EXPECT_TRUE(problems.empty()) << problems.front();
    }
  }
  EXPECT_EQ(seen, 2);
}

std::string sizeName(const ::testing::TestParamInfo<Size>& p) {
  return std::to_string(p.param.width) + "x" + std::to_string(p.param.height);
}

INSTANTIATE_TEST_SUITE_P(Panels, KioskLayout,
                         ::testing::Values(Size{1280, 720}, Size{1366, 768}, Size{1920, 1080},
                                           Size{1080, 1920}),
                         sizeName);
INSTANTIATE_TEST_SUITE_P(Panels, ResidentList,
                         ::testing::Values(Size{1280, 720}, Size{1366, 768}, Size{1920, 1080}),
                         sizeName);

}  // namespace
}  // namespace gatehouse::kiosk::screens
