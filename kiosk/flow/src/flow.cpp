// The check-in flow's behaviour: what each allowed event does to the session and the ports.
#include "gatehouse/flow/flow.hpp"

#include <algorithm>
#include <cassert>

namespace gatehouse::flow {
namespace {

bool isUserEvent(EventKind k) {
  switch (k) {
    case EventKind::UserActivity:
    case EventKind::SelectLanguage:
    case EventKind::StartWalkIn:
    case EventKind::StartPass:
    case EventKind::StartExit:
    case EventKind::Back:
    case EventKind::Cancel:
    case EventKind::Finish:
    case EventKind::QueryChanged:
    case EventKind::ResidentChosen:
    case EventKind::IdScanned:
    case EventKind::DetailsSubmitted:
    case EventKind::TakePhoto:
    case EventKind::Retake:
    case EventKind::PhotoAccepted:
    case EventKind::GuardPinEntered:
    case EventKind::CodeScanned:
    case EventKind::Retry:
    case EventKind::CallGuard:
    case EventKind::LostBadge:
      return true;
    default:
      return false;
  }
}

// Results from the backend and printer name the visit they are about.
bool carriesVisit(EventKind k) {
  switch (k) {
    case EventKind::RequestAcknowledged:
    case EventKind::DecisionReceived:
    case EventKind::PassAccepted:
    case EventKind::PassRefused:
    case EventKind::PrintJobAccepted:
    case EventKind::PrintCompleted:
    case EventKind::ExitRecorded:
    case EventKind::ExitRefused:
    case EventKind::GuardPinChecked:
      return true;
    default:
      return false;
  }
}

Device deviceFor(State s) {
  switch (s) {
    case State::Photo:
    case State::ExitPhoto:
      return Device::Camera;
    case State::VisitorDetails:
    case State::ScanPass:
    case State::ScanBadge:
      return Device::Scanner;
    case State::Approved:
    case State::PrintingBadge:
      return Device::Printer;
    default:
      return Device::None;
  }
}

const char* deviceName(Device d) {
  switch (d) {
    case Device::Camera:
      return "camera";
    case Device::Scanner:
      return "scanner";
    case Device::Printer:
      return "printer";
    default:
      return "device";
  }
}

std::string passReason(const std::string& code) {
  if (code == "bad_signature" || code == "unknown_key") return "forged";
  if (code == "not_a_pass" || code == "malformed") return "not_a_pass";
  return code;
}

std::string jsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out;
}

const char* entryReason(const Session& s) {
  if (s.mode == Mode::Pass) return "pass";
  return s.approvedByGuard.empty() ? "walk_in" : "guard_pin";
}

}  // namespace

Flow::Flow(Ports ports, const Clock& clock, FlowConfig config)
    : ports_(ports), clock_(clock), config_(std::move(config)) {
  assert(ports_.backend && ports_.trust && ports_.camera && ports_.printer && ports_.guardPins);
  reset();
  enteredAt_ = lastActivity_ = clock_.now();
}

Outcome Flow::handle(const Event& e) {
  const std::uint32_t targets = allowedTargets(state_, e.kind);
  if (targets == 0) return Outcome::Forbidden;
  if (carriesVisit(e.kind) && e.visit != session_.visitId) return Outcome::Ignored;
  if (e.kind == EventKind::DeviceFault &&
      (e.device != deviceFor(state_) || (!e.visit.isNil() && e.visit != session_.visitId))) {
    return Outcome::Ignored;  // another device's trouble, or a print job of an earlier visitor
  }
  if (isUserEvent(e.kind)) lastActivity_ = clock_.now();
  const State next = apply(e);
  assert((targets & (1u << static_cast<unsigned>(next))) != 0);
  if (next != state_) enter(next);
  return Outcome::Applied;
}

void Flow::tick() {
  const auto now = clock_.now();
  if (state_ == State::AwaitingApproval && now - session_.requestedAt >= config_.approvalTimeout) {
    handle(Event::of(EventKind::ApprovalTimeout));
  }
  // A call from Welcome is not the next visitor's: it is forgotten after the idle time.
  if (state_ == State::Welcome && session_.guardCalled &&
      now - session_.guardCalledAt >= config_.idleTimeout) {
    session_.guardCalled = false;
    session_.guardCalledOn.reset();
  }
  if (auto limit = idleLimit(state_, config_)) {
    if (now - std::max(lastActivity_, enteredAt_) >= *limit)
      handle(Event::of(EventKind::IdleTimeout));
  }
}

void Flow::enter(State next) {
  state_ = next;
  enteredAt_ = clock_.now();
  if (next == State::Welcome) reset();
  if (next == State::Approved) {
    printBadge();
    // Not waiting for the badge: open now; a fault is tried again when the badge is out.
    if (!config_.gateWaitsForBadge && ports_.gate && !session_.gateOpened)
      session_.gateOpened = static_cast<bool>(
          ports_.gate->open(GateOpening{session_.visitId, "entry", entryReason(session_)}));
  }
}

State Flow::throughGate(const char* direction, State next) {
  if (!ports_.gate || session_.gateOpened) return next;
  const std::string reason = next == State::ExitDone ? "exit" : entryReason(session_);
  if (auto s = ports_.gate->open(GateOpening{session_.visitId, direction, reason}); !s) {
    session_.reason = s.error().code;
    session_.faultDevice = Device::Gate;
    session_.resumeState = next;
    return State::DeviceProblem;
  }
  session_.gateOpened = true;
  return next;
}

void Flow::reset() {
  // Wipe the photo bytes before releasing them: the next visitor's session starts clean.
  std::fill(session_.photoJpeg.begin(), session_.photoJpeg.end(), std::uint8_t{0});
  wipe(session_.document);
  session_ = Session{};
  session_.language = config_.defaultLanguage;
}

void Flow::startVisit(Mode mode) {
  const std::string language = session_.language;
  reset();
  session_.language = language;
  session_.mode = mode;
  session_.visitId = Uuid::random();
}

void Flow::alert(const std::string& kind, const std::string& details) {
  std::optional<Uuid> visit;
  if (!session_.visitId.isNil()) visit = session_.visitId;
  ports_.backend->raiseAlert(kind, visit, details);
}

void Flow::alertWithPhoto(const std::string& kind, const std::string& details) {
  std::optional<Uuid> visit;
  if (!session_.visitId.isNil()) visit = session_.visitId;
  ports_.backend->raiseAlertWithPhoto(kind, visit, details, session_.photoJpeg);
}

void Flow::printBadge() {
  if (!session_.exitToken) session_.exitToken = ExitToken::generate(session_.visitId);
  BadgeData badge;
  badge.visitId = session_.visitId;
  badge.visitorName = session_.visitor.name;
  badge.unitLabel = session_.unit ? session_.unit->label : std::string{};
  badge.validUntil =
      clock_.unixSeconds() +
      std::chrono::duration_cast<std::chrono::seconds>(config_.badgeValidity).count();
  if (session_.pass) badge.validUntil = std::min(badge.validUntil, session_.pass->validUntil);
  badge.exitQr = session_.exitToken->encode();
  badge.photoJpeg = session_.photoJpeg;
  badge.language = session_.language;
  ports_.printer->print(badge);
}

State Flow::onPassScanned(const std::string& text) {
  auto lookup = [this](std::int64_t estate, std::uint8_t keyId) {
    return ports_.trust->key(estate, keyId);
  };
  auto verified = verifyPass(text, lookup);
  if (!verified) {
    session_.reason = passReason(verified.error().code);
    if (session_.reason == "forged")
      alert("forged_pass", R"({"reason":")" + jsonEscape(verified.error().code) + "\"}");
    return State::PassRejected;
  }
  const InvitationPass& pass = verified.value();
  if (pass.estateId != config_.estateId) {
    session_.reason = "wrong_estate";
    return State::PassRejected;
  }
  if (auto window = checkPassWindow(pass, clock_.unixSeconds(), config_.utcOffsetSeconds);
      !window) {
    session_.reason = window.error().code;
    return State::PassRejected;
  }
  if (ports_.trust->revoked(pass.invitationId)) {
    session_.reason = "revoked";
    return State::PassRejected;
  }
  session_.pass = pass;
  session_.visitor.name = pass.guestName;
  session_.unit = DirectoryEntry{0, pass.unitLabel, {}, {}};
  ports_.backend->useInvitation(session_.visitId, pass, pass.guestName);
  // Offline, the signature, window and cached revocations are all the kiosk can check.
  return online_ ? State::CheckingPass : State::Photo;
}

// One check at a time: PINs typed while one is being checked are not counted, only ignored.
State Flow::onGuardPinEntered(State s, const std::string& pin) {
  if (session_.pinChecking) return s;
  session_.pinChecking = true;
  session_.pinRejected = false;
  session_.pinProblem.clear();
  ports_.guardPins->check(session_.visitId, pin);
  return s;
}

State Flow::onGuardPin(State s, const PinResult& result) {
  using O = PinResult::Outcome;
  if (!session_.pinChecking) return s;  // no PIN of this visitor is being checked
  session_.pinChecking = false;
  if (result.outcome == O::Ok) {
    session_.approvedByGuard = result.guardId;
    session_.pinRejected = false;
    session_.pinProblem.clear();
    ports_.backend->guardApprovedAtKiosk(session_.visitId, result.guardId, result.pinCheckId);
    return State::Approved;
  }
  session_.pinRejected = true;
  session_.pinProblem = result.outcome == O::Locked         ? "locked"
                        : result.outcome == O::OfflineLimit ? "offline_limit"
                                                            : "wrong";
  return s;
}

State Flow::onCodeScanned(const std::string& text) {
  if (state_ == State::ScanPass) return onPassScanned(text);
  auto token = parseExitToken(text);
  if (!token) {
    session_.reason = "not_a_badge";
    alert("unknown_badge", R"({"reason":"not_a_badge"})");
    return State::BadgeRejected;
  }
  session_.exitToken = token.value();
  session_.visitId = token->visitId;
  return State::ExitPhoto;
}

CalendarDate Flow::today() const {
  using namespace std::chrono;
  const auto local = clock_.now() + seconds(config_.utcOffsetSeconds);
  const year_month_day d{floor<days>(local)};
  return {static_cast<int>(d.year()), static_cast<int>(static_cast<unsigned>(d.month())),
          static_cast<int>(static_cast<unsigned>(d.day()))};
}

// A new read replaces the last one, card included; whether it expired is judged on the kiosk's
// clock (the visitor may go on: a guard decides whether to ask for another ID).
State Flow::onIdScanned(const Event& e) {
  if (!e.visitor.name.empty()) session_.visitor.name = e.visitor.name;
  session_.visitor.documentType = e.visitor.documentType;
  session_.visitor.documentHash = e.visitor.documentHash;
  wipe(session_.document);
  session_.document = e.document;
  session_.document.expired = e.document.expiry.known() && e.document.expiry < today();
  return state_;
}

// A name typed over the scanned one takes the card away (it no longer says where the name came
// from); the document's type and keyed hash stay with the visit (decision 0860).
State Flow::onDetailsSubmitted(const Event& e) {
  VisitorInfo v = e.visitor;
  if (v.documentType.empty()) {
    v.documentType = session_.visitor.documentType;
    v.documentHash = session_.visitor.documentHash;
  }
  session_.visitor = v;
  if (session_.document.present() && v.name != session_.document.name) wipe(session_.document);
  if (v.name.empty() || v.purpose.empty()) {
    session_.reason = "details_incomplete";
    return state_;
  }
  session_.reason.clear();
  return State::Photo;
}

State Flow::onPhotoAccepted() {
  wipe(session_.document);  // nothing can go back to "About you" from here
  if (session_.mode == Mode::Pass) {
    ports_.backend->addEntryPhoto(session_.visitId, session_.photoJpeg);
    return State::Approved;
  }
  VisitRequest request;
  request.visitId = session_.visitId;
  request.unitId = session_.unit ? session_.unit->unitId : 0;
  request.visitor = session_.visitor;
  request.requestedAt = clock_.unixSeconds();
  request.photoJpeg = session_.photoJpeg;
  ports_.backend->requestVisit(request);
  session_.requestedAt = clock_.now();
  if (!online_) {
    alert("help_requested", R"({"reason":"kiosk_offline"})");
    session_.guardAlerted = true;
    return State::AwaitingGuard;
  }
  return State::AwaitingApproval;
}

State Flow::onPhotoCaptured(const Event& e) {
  session_.capturing = false;
  std::fill(session_.photoJpeg.begin(), session_.photoJpeg.end(), std::uint8_t{0});
  session_.photoJpeg = e.bytes;
  session_.photoHint = e.text;
  if (state_ == State::ExitPhoto) return onExitPhoto(e.text);
  if (e.text == "no_face" && ++session_.facelessPhotos >= config_.faceTries) {
    session_.reason = "face_not_found";
    session_.guardAlerted = true;
    alertWithPhoto("face_not_found", R"({"tries":)" + std::to_string(session_.facelessPhotos) +
                                         R"(,"screen":"photo"})");
    return State::GuardHelp;
  }
  return State::PhotoReview;
}

// A faceless exit photo is taken again; the last try alerts the guard with it and the exit is
// recorded all the same: nobody is kept inside for a photo.
State Flow::onExitPhoto(const std::string& hint) {
  if (hint == "no_face") {
    if (++session_.facelessPhotos < config_.faceTries) return State::ExitPhoto;
    session_.guardAlerted = true;
    alertWithPhoto("face_not_found", R"({"tries":)" + std::to_string(session_.facelessPhotos) +
                                         R"(,"screen":"exit_photo"})");
  }
  ports_.backend->checkOut(*session_.exitToken, session_.photoJpeg);
  return online_ ? State::RecordingExit : throughGate("exit", State::ExitDone);
}

// The screen stays; the guard hears once per screen, with the photo taken so far if any.
State Flow::callGuard() {
  session_.guardCalled = true;
  session_.guardCalledAt = clock_.now();
  if (session_.guardCalledOn == state_) return state_;
  session_.guardCalledOn = state_;
  alertWithPhoto("guard_called", R"({"screen":")" + std::string(toString(state_)) + "\"}");
  return state_;
}

State Flow::apply(const Event& e) {
  const State s = state_;
  switch (e.kind) {
    case EventKind::UserActivity:
      return s;
    case EventKind::SelectLanguage:
      if (std::find(config_.languages.begin(), config_.languages.end(), e.text) !=
          config_.languages.end()) {
        session_.language = e.text;
      }
      return s;
    case EventKind::StartWalkIn:
      startVisit(Mode::WalkIn);
      return State::FindResident;
    case EventKind::StartPass:
      startVisit(Mode::Pass);
      return State::ScanPass;
    case EventKind::StartExit:
      startVisit(Mode::Exit);
      return State::ScanBadge;
    case EventKind::Back:
      if (s == State::VisitorDetails) return State::FindResident;
      if (s == State::Photo && session_.mode == Mode::WalkIn) return State::VisitorDetails;
      return State::Welcome;
    case EventKind::Cancel:
      if (s == State::AwaitingApproval || s == State::AwaitingGuard) {
        ports_.backend->cancelVisit(session_.visitId);
      }
      return State::Welcome;
    case EventKind::Finish:
      return State::Welcome;
    case EventKind::IdleTimeout:
      if (s == State::AwaitingGuard) {
        alert("help_requested", R"({"reason":"visitor_left"})");
      }
      return State::Welcome;
    case EventKind::QueryChanged:
      session_.query = e.text;
      ports_.backend->searchDirectory(e.text);
      return s;
    case EventKind::DirectoryLoaded:
      if (e.text == session_.query)
        session_.results = e.entries;  // an older query's answer is dropped
      return s;
    case EventKind::ResidentChosen:
      session_.unit = e.entry;
      return State::VisitorDetails;
    case EventKind::IdScanned:
      return onIdScanned(e);
    case EventKind::DetailsSubmitted:
      return onDetailsSubmitted(e);
    case EventKind::TakePhoto:
      if (!session_.capturing) {
        session_.capturing = true;
        ports_.camera->capture();
      }
      return s;
    case EventKind::PhotoCaptured:
      return onPhotoCaptured(e);
    case EventKind::Retake:
      return State::Photo;
    case EventKind::PhotoAccepted:
      if (session_.photoHint == "no_face") return s;  // a photo with no face cannot be used
      return onPhotoAccepted();
    case EventKind::RequestAcknowledged:
      return s;
    case EventKind::DecisionReceived:
      if (e.text == "approved") return State::Approved;
      if (e.text == "denied" || e.text == "expired" || e.text == "cancelled") {
        session_.reason = e.text;
        return State::Denied;
      }
      return s;
    case EventKind::ApprovalTimeout:
      session_.guardAlerted = true;
      alert("approval_timeout",
            R"({"unit":")" + jsonEscape(session_.unit ? session_.unit->label : "") + "\"}");
      return State::AwaitingGuard;
    case EventKind::GuardPinEntered:
      return onGuardPinEntered(s, e.text);
    case EventKind::GuardPinChecked:
      return onGuardPin(s, e.pin);
    case EventKind::CodeScanned:
      return onCodeScanned(e.text);
    case EventKind::PassAccepted:
      return State::Photo;
    case EventKind::PassRefused:
      session_.reason = e.text;
      return State::PassRejected;
    case EventKind::PrintJobAccepted:
      return State::PrintingBadge;
    case EventKind::PrintCompleted:
      ports_.backend->checkIn(session_.visitId, *session_.exitToken);
      return throughGate("entry", State::Done);
    case EventKind::ExitRecorded:
      return throughGate("exit", State::ExitDone);
    case EventKind::ExitRefused:
      session_.reason = e.text;
      return State::BadgeRejected;
    case EventKind::DeviceFault:
      session_.capturing = false;
      session_.reason = e.text;
      session_.faultDevice = e.device;
      // A badge that failed mid-print is printed again from the start.
      session_.resumeState = s == State::PrintingBadge ? State::Approved : s;
      alert(std::string(deviceName(e.device)) + "_fault",
            R"({"fault":")" + jsonEscape(e.text) + R"(","screen":")" + toString(s) + "\"}");
      return State::DeviceProblem;
    case EventKind::Retry:
      session_.reason.clear();
      if (session_.faultDevice == Device::Gate)
        return throughGate(session_.resumeState == State::ExitDone ? "exit" : "entry",
                           session_.resumeState);
      return session_.resumeState;
    case EventKind::CallGuard:
      return callGuard();
    case EventKind::LostBadge:
      session_.reason = "lost_badge";
      session_.guardAlerted = true;
      alert("lost_badge", R"({"screen":"scan_badge"})");
      return State::GuardHelp;
    case EventKind::ConnectivityChanged:
      online_ = e.online;
      if (e.online) return s;
      if (s == State::AwaitingApproval) {
        session_.guardAlerted = true;
        alert("help_requested", R"({"reason":"kiosk_offline"})");
        return State::AwaitingGuard;
      }
      if (s == State::CheckingPass) return State::Photo;
      if (s == State::RecordingExit) return throughGate("exit", State::ExitDone);
      return s;
  }
  return s;
}

}  // namespace gatehouse::flow
