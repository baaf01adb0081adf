// What every kiosk screen gets each frame, and the one method it implements: draw.
// A screen reads the flow's state and session, draws, and emits events; it never changes the flow.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gatehouse/flow/flow.hpp"
#include "gatehouse/ui/gl.hpp"
#include "gatehouse/ui/translations.hpp"

namespace gatehouse::kiosk::screens {

struct ScreenContext {
  ScreenContext(const flow::Flow& f, const ui::Translations& t, std::function<void(flow::Event)> e)
      : flow(f), tr(t), emit(std::move(e)) {}
  const flow::Flow& flow;
  const ui::Translations& tr;
  std::function<void(flow::Event)> emit;
  const ui::Texture* preview = nullptr;  // live camera preview, when the camera has a frame
  std::string previewHint;               // quality hint key for the live frame ("" = good)
  const ui::Texture* photo = nullptr;    // the captured photo (PhotoReview)
  std::string estateName;
  float printProgress = 0;  // 0..1
  double seconds = 0;       // seconds since the state was entered (animations, countdowns)
  double approvalSeconds = 90;
  bool hasGate = false;        // this kiosk opens a gate ([gate] enabled)
  std::string gateDirections;  // where to go once through it (this kiosk's words)

  std::string t(const std::string& key) const { return tr.tr(key); }
  // For keys built from codes the kiosk may not know yet: falls back to `fallback`.
  std::string tOr(const std::string& key, const std::string& fallback) const {
    std::string s = tr.tr(key);
    return s == key ? tr.tr(fallback) : s;
  }
};

class Screen {
 public:
  virtual ~Screen() = default;
  virtual void draw(ScreenContext& ctx) = 0;
  // Forget anything typed: called whenever the flow returns to Welcome.
  virtual void reset() {}
};

// One screen object per flow state (several states may share one).
class ScreenSet {
 public:
  ScreenSet();
  Screen& forState(flow::State s);
  void resetAll();

 private:
  std::vector<std::unique_ptr<Screen>> owned_;
  std::vector<Screen*> byState_;
};

// Keys looked up with a computed suffix ("reason." + code ...), for the translation test.
std::vector<std::string> dynamicTranslationKeys();

std::unique_ptr<Screen> makeWelcomeScreen();
std::unique_ptr<Screen> makeFindResidentScreen();
std::unique_ptr<Screen> makeVisitorDetailsScreen();
std::unique_ptr<Screen> makePhotoScreen();
std::unique_ptr<Screen> makePhotoReviewScreen();
std::unique_ptr<Screen> makeWaitingScreen();
std::unique_ptr<Screen> makeBadgeScreen();
std::unique_ptr<Screen> makeScanScreen();
std::unique_ptr<Screen> makeCheckingScreen();
std::unique_ptr<Screen> makeOutcomeScreen();
std::unique_ptr<Screen> makeDeviceProblemScreen();
std::unique_ptr<Screen> makeGuardHelpScreen();

}  // namespace gatehouse::kiosk::screens
