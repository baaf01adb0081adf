// The kiosk check-in state machine: explicit states, events and a transition table; no UI.
//
//                      +---------------------------------------------------------------+
//                      |            IdleTimeout / Finish / Cancel (wipes session)       |
//                      v                                                                |
//   +------------------------------+                                                    |
//   |           Welcome            |--StartExit--> ScanBadge --CodeScanned--> ExitPhoto |
//   | (SelectLanguage)             |                 | bad badge                |      |
//   +------------------------------+                 v                  PhotoCaptured  |
//     | StartWalkIn        | StartPass          BadgeRejected <--ExitRefused-- RecordingExit
//     v                    v                                                  | ExitRecorded
//   FindResident        ScanPass --CodeScanned(bad)--> PassRejected            v      |
//     | ResidentChosen     | CodeScanned(valid locally)     ^               ExitDone ---+
//     v                    v                                | PassRefused
//   VisitorDetails      CheckingPass -----------------------+
//     | DetailsSubmitted   | PassAccepted / offline (local check is enough)
//     v                    v
//   Photo <---Retake--- PhotoReview
//     | PhotoCaptured ------^   | PhotoAccepted
//     |                         +--(pass)---------------------------------+
//     |                         | (walk-in: request sent via outbox)      |
//     |                         v                                         v
//     |                   AwaitingApproval --ApprovalTimeout/offline--> AwaitingGuard
//     |                         | approved                 (guard alerted; guard PIN offline)
//     |                         v                                         | approved / PIN
//     |                      Approved <-----------------------------------+
//     |                         | PrintJobAccepted          denied (either) --> Denied
//     |                         v
//     |                   PrintingBadge --PrintCompleted--> Done
//     |
//   Photo --PhotoCaptured (3rd photo with no face)--> GuardHelp <--LostBadge-- ScanBadge
//   (a photo with no face cannot be used: PhotoAccepted leaves it in PhotoReview)
//   ExitPhoto --PhotoCaptured (no face)--> ExitPhoto (take again); the 3rd alerts the guard with
//   it and records the exit anyway (RecordingExit / ExitDone).
//
//   DeviceFault (camera in Photo/ExitPhoto, scanner in ScanPass/ScanBadge/VisitorDetails,
//   printer in Approved/PrintingBadge) --> DeviceProblem --Retry--> the state it came from.
//
// The gate (Ports::gate) opens on the way into Done (badge printed; or already at Approved when
// FlowConfig::gateWaitsForBadge is false) and into ExitDone. When the relay refuses, the visitor
// sees DeviceProblem (device Gate) instead; Retry opens again and goes on to Done / ExitDone.
//
// Global: UserActivity, CallGuard (alert once per screen; session().guardCalled) and
// ConnectivityChanged are accepted everywhere (ConnectivityChanged to
// offline moves AwaitingApproval to AwaitingGuard, CheckingPass to Photo, RecordingExit to
// ExitDone). The table in transitions.cpp is the authority; tests try every (state, event) pair.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/pass.hpp"
#include "gatehouse/core/uuid.hpp"
#include "gatehouse/flow/document_card.hpp"
#include "gatehouse/flow/ports.hpp"

namespace gatehouse::flow {

enum class State : std::uint8_t {
  Welcome,
  FindResident,
  VisitorDetails,
  Photo,
  PhotoReview,
  AwaitingApproval,
  AwaitingGuard,
  Approved,
  PrintingBadge,
  Done,
  Denied,
  ScanPass,
  CheckingPass,
  PassRejected,
  ScanBadge,
  ExitPhoto,
  RecordingExit,
  ExitDone,
  BadgeRejected,
  DeviceProblem,
  GuardHelp,  // a guard will come: three photos without a face, or a badge lost at exit
};
inline constexpr int kStateCount = 21;

enum class EventKind : std::uint8_t {
  UserActivity,    // any touch; keeps the idle timer alive
  SelectLanguage,  // text = "en" / "ru"
  StartWalkIn,
  StartPass,
  StartExit,
  Back,
  Cancel,            // abandon (cancels a pending visit request)
  Finish,            // acknowledge an end screen
  QueryChanged,      // text = search query
  DirectoryLoaded,   // entries (for text = the query they answer)
  ResidentChosen,    // entry
  IdScanned,         // visitor (fields from a driver licence / MRZ), document (shown only)
  DetailsSubmitted,  // visitor
  TakePhoto,
  PhotoCaptured,  // bytes (JPEG), text = quality hint ("" when good)
  Retake,
  PhotoAccepted,
  RequestAcknowledged,  // visit; the database has the request (status pending)
  DecisionReceived,     // visit, text = approved / denied / expired / cancelled
  ApprovalTimeout,      // raised by tick()
  GuardPinEntered,      // text = PIN
  CodeScanned,          // text = QR / barcode content
  PassAccepted,         // visit
  PassRefused,          // visit, text = reason code
  PrintJobAccepted,     // visit
  PrintCompleted,       // visit
  ExitRecorded,         // visit
  ExitRefused,          // visit, text = reason code
  DeviceFault,          // device + text = fault code
  Retry,
  ConnectivityChanged,  // online
  IdleTimeout,          // raised by tick()
  CallGuard,            // "Call a guard", on any screen: alerts the guard, the screen stays
  LostBadge,            // "I lost my badge" at exit
  GuardPinChecked,      // visit, pin: the answer to the last GuardPinEntered
};
inline constexpr int kEventCount = 35;

enum class Mode : std::uint8_t { None, WalkIn, Pass, Exit };
enum class Device : std::uint8_t { None, Camera, Scanner, Printer, Gate };

struct Event {
  EventKind kind = EventKind::UserActivity;
  std::string text;
  Uuid visit;
  std::vector<DirectoryEntry> entries;
  DirectoryEntry entry;
  VisitorInfo visitor;
  std::vector<std::uint8_t> bytes;
  Device device = Device::None;
  bool online = true;
  PinResult pin;
  DocumentCard document;  // IdScanned: what the visitor is shown of the read, never sent

  static Event of(EventKind kind) {
    return Event{kind, {}, {}, {}, {}, {}, {}, Device::None, true, {}, {}};
  }
  static Event withText(EventKind kind, std::string text) {
    Event e = of(kind);
    e.text = std::move(text);
    return e;
  }
  static Event forVisit(EventKind kind, const Uuid& visit, std::string text = {}) {
    Event e = withText(kind, std::move(text));
    e.visit = visit;
    return e;
  }
  static Event fault(Device device, std::string code) {
    Event e = withText(EventKind::DeviceFault, std::move(code));
    e.device = device;
    return e;
  }
  static Event pinChecked(const Uuid& visit, PinResult result) {
    Event e = forVisit(EventKind::GuardPinChecked, visit);
    e.pin = std::move(result);
    return e;
  }
  static Event connectivity(bool online) {
    Event e = of(EventKind::ConnectivityChanged);
    e.online = online;
    return e;
  }
};

struct FlowConfig {
  std::int64_t estateId = 1;
  int utcOffsetSeconds = 0;
  std::chrono::seconds idleTimeout{60};        // a visitor stops touching the screen
  std::chrono::seconds endScreenTimeout{10};   // Done, Denied, rejections, ExitDone
  std::chrono::seconds approvalTimeout{90};    // then the guard is alerted
  std::chrono::seconds guardWaitTimeout{600};  // AwaitingGuard gives up (visit stays for the guard)
  std::chrono::hours badgeValidity{12};
  bool gateWaitsForBadge = true;  // entry: open once the badge is printed, else at approval
  std::string defaultLanguage = "en";
  std::vector<std::string> languages{"en", "ru"};
  int faceTries = 3;  // photos with no face before a guard is called
};

// Everything the current visitor entered; wiped (photo bytes zeroed) on reset.
struct Session {
  Mode mode = Mode::None;
  std::string language;
  Uuid visitId;
  std::string query;
  std::vector<DirectoryEntry> results;
  std::optional<DirectoryEntry> unit;
  VisitorInfo visitor;
  // The last ID read as "About you" shows it; dropped once the request is sent (never sent itself).
  DocumentCard document;
  std::vector<std::uint8_t> photoJpeg;
  std::string photoHint;
  bool capturing = false;
  std::optional<InvitationPass> pass;
  std::optional<ExitToken> exitToken;
  std::string reason;  // why a pass/badge was refused, why a visit was denied, a fault code
  Device faultDevice = Device::None;
  State resumeState = State::Welcome;
  bool guardAlerted = false;
  bool gateOpened = false;   // this visitor's gate opening went through
  bool pinChecking = false;  // a typed PIN is being checked: the pad waits ("checking...")
  bool pinRejected = false;
  std::string pinProblem;    // when rejected: wrong | locked | offline_limit
  int facelessPhotos = 0;    // photos of this visitor in which no face was found
  bool guardCalled = false;  // "Call a guard" was tapped: the screens say a guard is coming
  std::optional<State> guardCalledOn;  // the screen of the last call (one alert per screen)
  Clock::time_point guardCalledAt{};
  std::string approvedByGuard;
  Clock::time_point requestedAt{};
};

enum class Outcome : std::uint8_t { Applied, Forbidden, Ignored };

const char* toString(State s);
const char* toString(EventKind e);
std::optional<State> stateFromString(std::string_view name);

// Bit i set = State(i) is a permitted target of (from, event); 0 = the event is forbidden there.
std::uint32_t allowedTargets(State from, EventKind event);
inline bool isAllowed(State from, EventKind event) { return allowedTargets(from, event) != 0; }
// Idle limit in a state, or nullopt where the kiosk (not the visitor) is the one acting.
std::optional<std::chrono::seconds> idleLimit(State s, const FlowConfig& config);

class Flow {
 public:
  Flow(Ports ports, const Clock& clock, FlowConfig config);

  // Applies an event on the UI thread. Forbidden: not in the table, nothing changes.
  // Ignored: a result for a visit that is no longer current, or a fault of an unrelated device.
  Outcome handle(const Event& event);
  // Raises time-based events (idle, approval timeout) from the injected clock.
  void tick();

  State state() const { return state_; }
  const Session& session() const { return session_; }
  const FlowConfig& config() const { return config_; }
  bool online() const { return online_; }
  Clock::time_point stateEnteredAt() const { return enteredAt_; }

 private:
  State apply(const Event& e);
  void enter(State next);
  void reset();
  void startVisit(Mode mode);
  State onCodeScanned(const std::string& text);
  State onIdScanned(const Event& e);
  State onDetailsSubmitted(const Event& e);
  CalendarDate today() const;  // the kiosk's calendar date (its clock and UTC offset)
  State onGuardPinEntered(State s, const std::string& pin);
  State onGuardPin(State s, const PinResult& result);
  State onPassScanned(const std::string& text);
  State onPhotoAccepted();
  State onPhotoCaptured(const Event& e);
  State onExitPhoto(const std::string& hint);
  State callGuard();
  State approve();
  // Opens the gate for this visitor (once) and goes to `next`, or to DeviceProblem on a fault.
  State throughGate(const char* direction, State next);
  void alert(const std::string& kind, const std::string& details);
  void alertWithPhoto(const std::string& kind, const std::string& details);
  void printBadge();

  Ports ports_;
  const Clock& clock_;
  FlowConfig config_;
  State state_ = State::Welcome;
  Session session_;
  bool online_ = true;
  Clock::time_point lastActivity_;
  Clock::time_point enteredAt_;
};

}  // namespace gatehouse::flow
