// Which screen draws which flow state, and the translation keys built at run time.
#include "screen.hpp"
#include "widgets.hpp"

namespace gatehouse::kiosk::screens {

ScreenSet::ScreenSet() : byState_(flow::kStateCount, nullptr) {
  auto own = [this](std::unique_ptr<Screen> s) {
    owned_.push_back(std::move(s));
    return owned_.back().get();
  };
  using S = flow::State;
  auto set = [this](S s, Screen* screen) { byState_[static_cast<std::size_t>(s)] = screen; };
  set(S::Welcome, own(makeWelcomeScreen()));
  set(S::FindResident, own(makeFindResidentScreen()));
  set(S::VisitorDetails, own(makeVisitorDetailsScreen()));
  Screen* photo = own(makePhotoScreen());
  set(S::Photo, photo);
  set(S::ExitPhoto, photo);
  set(S::PhotoReview, own(makePhotoReviewScreen()));
  Screen* waiting = own(makeWaitingScreen());
  set(S::AwaitingApproval, waiting);
  set(S::AwaitingGuard, waiting);
  Screen* badge = own(makeBadgeScreen());
  set(S::Approved, badge);
  set(S::PrintingBadge, badge);
  Screen* scan = own(makeScanScreen());
  set(S::ScanPass, scan);
  set(S::ScanBadge, scan);
  Screen* checking = own(makeCheckingScreen());
  set(S::CheckingPass, checking);
  set(S::RecordingExit, checking);
  Screen* outcome = own(makeOutcomeScreen());
  for (S s : {S::Done, S::Denied, S::PassRejected, S::ExitDone, S::BadgeRejected}) set(s, outcome);
  set(S::DeviceProblem, own(makeDeviceProblemScreen()));
  set(S::GuardHelp, own(makeGuardHelpScreen()));
}

Screen& ScreenSet::forState(flow::State s) { return *byState_.at(static_cast<std::size_t>(s)); }

void ScreenSet::resetAll() {
  for (auto& s : owned_) s->reset();
  setReachMode(reachPolicy() == ReachPolicy::On);  // the next visitor starts with the kiosk's
}

std::vector<std::string> dynamicTranslationKeys() {
  std::vector<std::string> keys;
  for (const char* r :
       {"forged", "not_a_pass", "expired", "not_yet_valid", "wrong_day", "outside_hours", "revoked",
        "wrong_estate", "used_up", "conflict", "not_found", "forbidden", "invalid_input",
        "not_a_badge", "unknown_badge", "already_used", "not_checked_in"}) {
    keys.push_back(std::string("reason.") + r);
  }
  for (const char* r : {"face_not_found", "lost_badge", "other"})
    keys.push_back(std::string("guard_help.") + r);
  for (const char* p : {"guest", "delivery", "contractor", "taxi"})
    keys.push_back(std::string("purpose.") + p);
  for (const char* h : {"no_face", "too_dark", "move_closer", "hold_still"})
    keys.push_back(std::string("photo.hint.") + h);
  for (const char* h : {"hold_still", "closer", "tilt_away_from_light"})  // MRZ guidance
    keys.push_back(std::string("details.id.") + h);
  for (const char* k : {"passport", "id_card", "travel_document", "driving_licence"})  // ID card
    keys.push_back(std::string("details.card.") + k);
  for (const char* m :
       {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"})
    keys.push_back(std::string("date.month.") + m);
  for (const char* d : {"printer", "camera", "scanner"}) {
    keys.push_back(std::string("fault.") + d + ".title");
    keys.push_back(std::string("fault.") + d + ".next");
  }
  for (const char* f :
       {"out_of_paper", "offline", "paused", "stopped", "cancelled", "job_stopped", "aborted",
        "not_accepting", "queue_not_found", "error", "timed_out", "no_frames", "disconnected",
        "unknown", "camera_missing", "camera_frozen"}) {
    keys.push_back(std::string("fault.") + f);
  }
  for (const char* f : {"camera_missing", "camera_frozen"})
    keys.push_back(std::string("fault.") + f + ".next");
  for (const char* b :
       {"title", "host", "purpose", "issued", "valid_until", "kiosk", "exit_hint"}) {
    keys.push_back(std::string("badge.label.") + b);
  }
  for (int i = 0; i < flow::kStateCount; ++i)  // spoken prompts, one per screen
    keys.push_back(std::string("speech.") + flow::toString(static_cast<flow::State>(i)));
  keys.emplace_back("language.name");
  return keys;
}

}  // namespace gatehouse::kiosk::screens
