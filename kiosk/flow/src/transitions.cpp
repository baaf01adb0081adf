// The transition table of the check-in flow: which events each state accepts and where they lead.
#include <array>

#include "gatehouse/flow/flow.hpp"

namespace gatehouse::flow {
namespace {

using S = State;
using E = EventKind;

constexpr std::uint32_t bit(S s) { return 1u << static_cast<unsigned>(s); }
template <typename... Ts>
constexpr std::uint32_t to(Ts... states) {
  return (bit(states) | ...);
}

struct Row {
  S from;
  E event;
  std::uint32_t targets;
};

// Events accepted in every state are handled in allowedTargets() below.
constexpr std::array kTable{
    Row{S::Welcome, E::SelectLanguage, to(S::Welcome)},
    Row{S::Welcome, E::StartWalkIn, to(S::FindResident)},
    Row{S::Welcome, E::StartPass, to(S::ScanPass)},
    Row{S::Welcome, E::StartExit, to(S::ScanBadge)},

    Row{S::FindResident, E::QueryChanged, to(S::FindResident)},
    Row{S::FindResident, E::DirectoryLoaded, to(S::FindResident)},
    Row{S::FindResident, E::ResidentChosen, to(S::VisitorDetails)},
    Row{S::FindResident, E::Back, to(S::Welcome)},
    Row{S::FindResident, E::Cancel, to(S::Welcome)},
    Row{S::FindResident, E::IdleTimeout, to(S::Welcome)},

    Row{S::VisitorDetails, E::IdScanned, to(S::VisitorDetails)},
    Row{S::VisitorDetails, E::DetailsSubmitted, to(S::Photo, S::VisitorDetails)},
    Row{S::VisitorDetails, E::Back, to(S::FindResident)},
    Row{S::VisitorDetails, E::Cancel, to(S::Welcome)},
    Row{S::VisitorDetails, E::DeviceFault, to(S::DeviceProblem)},
    Row{S::VisitorDetails, E::IdleTimeout, to(S::Welcome)},

    Row{S::Photo, E::TakePhoto, to(S::Photo)},
    Row{S::Photo, E::PhotoCaptured, to(S::PhotoReview, S::GuardHelp)},
    Row{S::Photo, E::DeviceFault, to(S::DeviceProblem)},
    Row{S::Photo, E::Back, to(S::VisitorDetails, S::Welcome)},
    Row{S::Photo, E::Cancel, to(S::Welcome)},
    Row{S::Photo, E::IdleTimeout, to(S::Welcome)},

    Row{S::PhotoReview, E::Retake, to(S::Photo)},
    Row{S::PhotoReview, E::PhotoAccepted,
        to(S::AwaitingApproval, S::AwaitingGuard, S::Approved, S::PhotoReview)},
    Row{S::PhotoReview, E::Cancel, to(S::Welcome)},
    Row{S::PhotoReview, E::IdleTimeout, to(S::Welcome)},

    Row{S::AwaitingApproval, E::RequestAcknowledged, to(S::AwaitingApproval)},
    Row{S::AwaitingApproval, E::DecisionReceived, to(S::Approved, S::Denied, S::AwaitingApproval)},
    Row{S::AwaitingApproval, E::ApprovalTimeout, to(S::AwaitingGuard)},
    Row{S::AwaitingApproval, E::Cancel, to(S::Welcome)},

    Row{S::AwaitingGuard, E::RequestAcknowledged, to(S::AwaitingGuard)},
    Row{S::AwaitingGuard, E::DecisionReceived, to(S::Approved, S::Denied, S::AwaitingGuard)},
    Row{S::AwaitingGuard, E::GuardPinEntered, to(S::AwaitingGuard)},
    Row{S::AwaitingGuard, E::GuardPinChecked, to(S::Approved, S::AwaitingGuard)},
    Row{S::AwaitingGuard, E::Cancel, to(S::Welcome)},
    Row{S::AwaitingGuard, E::IdleTimeout, to(S::Welcome)},

    Row{S::Approved, E::PrintJobAccepted, to(S::PrintingBadge)},
    Row{S::Approved, E::PrintCompleted, to(S::Done, S::DeviceProblem)},
    Row{S::Approved, E::DeviceFault, to(S::DeviceProblem)},

    Row{S::PrintingBadge, E::PrintCompleted, to(S::Done, S::DeviceProblem)},
    Row{S::PrintingBadge, E::DeviceFault, to(S::DeviceProblem)},

    Row{S::Done, E::Finish, to(S::Welcome)},
    Row{S::Done, E::IdleTimeout, to(S::Welcome)},
    Row{S::Denied, E::Finish, to(S::Welcome)},
    Row{S::Denied, E::IdleTimeout, to(S::Welcome)},

    Row{S::ScanPass, E::CodeScanned, to(S::CheckingPass, S::PassRejected, S::Photo)},
    Row{S::ScanPass, E::Back, to(S::Welcome)},
    Row{S::ScanPass, E::Cancel, to(S::Welcome)},
    Row{S::ScanPass, E::DeviceFault, to(S::DeviceProblem)},
    Row{S::ScanPass, E::IdleTimeout, to(S::Welcome)},

    Row{S::CheckingPass, E::PassAccepted, to(S::Photo)},
    Row{S::CheckingPass, E::PassRefused, to(S::PassRejected)},
    Row{S::CheckingPass, E::Cancel, to(S::Welcome)},

    Row{S::PassRejected, E::Finish, to(S::Welcome)},
    Row{S::PassRejected, E::IdleTimeout, to(S::Welcome)},

    Row{S::ScanBadge, E::CodeScanned, to(S::ExitPhoto, S::BadgeRejected)},
    Row{S::ScanBadge, E::Back, to(S::Welcome)},
    Row{S::ScanBadge, E::Cancel, to(S::Welcome)},
    Row{S::ScanBadge, E::DeviceFault, to(S::DeviceProblem)},
    Row{S::ScanBadge, E::LostBadge, to(S::GuardHelp)},
    Row{S::ScanBadge, E::IdleTimeout, to(S::Welcome)},

    Row{S::ExitPhoto, E::TakePhoto, to(S::ExitPhoto)},
    Row{S::ExitPhoto, E::PhotoCaptured,
        to(S::ExitPhoto, S::RecordingExit, S::ExitDone, S::DeviceProblem)},
    Row{S::ExitPhoto, E::DeviceFault, to(S::DeviceProblem)},
    Row{S::ExitPhoto, E::Cancel, to(S::Welcome)},
    Row{S::ExitPhoto, E::IdleTimeout, to(S::Welcome)},

    Row{S::RecordingExit, E::ExitRecorded, to(S::ExitDone, S::DeviceProblem)},
    Row{S::RecordingExit, E::ExitRefused, to(S::BadgeRejected)},

    Row{S::ExitDone, E::Finish, to(S::Welcome)},
    Row{S::ExitDone, E::IdleTimeout, to(S::Welcome)},
    Row{S::BadgeRejected, E::Finish, to(S::Welcome)},
    Row{S::BadgeRejected, E::IdleTimeout, to(S::Welcome)},

    Row{S::DeviceProblem, E::Retry,
        to(S::Photo, S::ExitPhoto, S::ScanPass, S::ScanBadge, S::VisitorDetails, S::Approved,
           S::Done, S::ExitDone, S::DeviceProblem)},
    Row{S::DeviceProblem, E::Finish, to(S::Welcome)},
    Row{S::DeviceProblem, E::IdleTimeout, to(S::Welcome)},

    Row{S::GuardHelp, E::Finish, to(S::Welcome)},
    Row{S::GuardHelp, E::IdleTimeout, to(S::Welcome)},
};

constexpr std::array<const char*, kStateCount> kStateNames{
    "welcome",        "find_resident",  "visitor_details",
    "photo",          "photo_review",   "awaiting_approval",
    "awaiting_guard", "approved",       "printing_badge",
    "done",           "denied",         "scan_pass",
    "checking_pass",  "pass_rejected",  "scan_badge",
    "exit_photo",     "recording_exit", "exit_done",
    "badge_rejected", "device_problem", "guard_help"};

constexpr std::array<const char*, kEventCount> kEventNames{"UserActivity",
                                                           "SelectLanguage",
                                                           "StartWalkIn",
                                                           "StartPass",
                                                           "StartExit",
                                                           "Back",
                                                           "Cancel",
                                                           "Finish",
                                                           "QueryChanged",
                                                           "DirectoryLoaded",
                                                           "ResidentChosen",
                                                           "IdScanned",
                                                           "DetailsSubmitted",
                                                           "TakePhoto",
                                                           "PhotoCaptured",
                                                           "Retake",
                                                           "PhotoAccepted",
                                                           "RequestAcknowledged",
                                                           "DecisionReceived",
                                                           "ApprovalTimeout",
                                                           "GuardPinEntered",
                                                           "CodeScanned",
                                                           "PassAccepted",
                                                           "PassRefused",
                                                           "PrintJobAccepted",
                                                           "PrintCompleted",
                                                           "ExitRecorded",
                                                           "ExitRefused",
                                                           "DeviceFault",
                                                           "Retry",
                                                           "ConnectivityChanged",
                                                           "IdleTimeout",
                                                           "CallGuard",
                                                           "LostBadge",
                                                           "GuardPinChecked"};

}  // namespace

const char* toString(State s) { return kStateNames.at(static_cast<std::size_t>(s)); }
const char* toString(EventKind e) { return kEventNames.at(static_cast<std::size_t>(e)); }

std::optional<State> stateFromString(std::string_view name) {
  for (int i = 0; i < kStateCount; ++i) {
    if (name == kStateNames.at(static_cast<std::size_t>(i))) return static_cast<State>(i);
  }
  return std::nullopt;
}

std::uint32_t allowedTargets(State from, EventKind event) {
  if (event == E::UserActivity || event == E::CallGuard) return bit(from);
  if (event == E::ConnectivityChanged) {
    switch (from) {
      case S::AwaitingApproval:
        return to(S::AwaitingApproval, S::AwaitingGuard);
      case S::CheckingPass:
        return to(S::CheckingPass, S::Photo);
      case S::RecordingExit:
        return to(S::RecordingExit, S::ExitDone, S::DeviceProblem);
      default:
        return bit(from);
    }
  }
  for (const Row& row : kTable) {
    if (row.from == from && row.event == event) return row.targets;
  }
  return 0;
}

std::optional<std::chrono::seconds> idleLimit(State s, const FlowConfig& config) {
  switch (s) {
    case S::FindResident:
    case S::VisitorDetails:
    case S::Photo:
    case S::PhotoReview:
    case S::ScanPass:
    case S::ScanBadge:
    case S::ExitPhoto:
    case S::DeviceProblem:
    case S::GuardHelp:
      return config.idleTimeout;
    case S::Done:
    case S::Denied:
    case S::PassRejected:
    case S::ExitDone:
    case S::BadgeRejected:
      return config.endScreenTimeout;
    case S::AwaitingGuard:
      return config.guardWaitTimeout;
    default:
      return std::nullopt;  // Welcome has nothing to wipe; the others wait on the kiosk
  }
}

}  // namespace gatehouse::flow
