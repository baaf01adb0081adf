// What the check-in flow needs from the outside world, as small interfaces (ports).
//
// Every port call is asynchronous: it returns at once and its outcome comes back later as an
// Event posted to the flow's EventQueue (from whatever thread did the work). The kiosk app wires
// these to the SQLite outbox + backend client and to gatehouse::devices; unit tests use fakes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gatehouse/core/pass.hpp"
#include "gatehouse/core/result.hpp"
#include "gatehouse/core/uuid.hpp"

namespace gatehouse::flow {

// One unit as the directory may show it to a visitor: unit + a hint such as a surname initial.
struct DirectoryEntry {
  std::int64_t unitId = 0;
  std::string label;     // "A-101"
  std::string building;  // "A"
  std::string hostHint;  // "S." unless the estate allows full names
  friend bool operator==(const DirectoryEntry&, const DirectoryEntry&) = default;
};

struct VisitorInfo {
  std::string name;
  std::string phone;
  std::string purpose;       // a key such as "delivery", "guest", "contractor", "taxi"
  std::string documentType;  // "", "aamva", "mrz"
  std::string documentHash;  // sha256 hex of the document number; never the number itself
};

struct VisitRequest {
  Uuid visitId;
  std::int64_t unitId = 0;
  VisitorInfo visitor;
  std::int64_t requestedAt = 0;  // unix seconds
  std::vector<std::uint8_t> photoJpeg;
};

struct BadgeData {
  Uuid visitId;
  std::string visitorName;
  std::string unitLabel;
  std::int64_t validUntil = 0;  // unix seconds
  std::string exitQr;           // ExitToken::encode()
  std::vector<std::uint8_t> photoJpeg;
  std::string language;
};

// Records and sends visit events (offline-first). Results: RequestAcknowledged, DecisionReceived,
// PassAccepted / PassRefused, ExitRecorded / ExitRefused, DirectoryLoaded, ConnectivityChanged.
class VisitBackend {
 public:
  virtual ~VisitBackend() = default;
  virtual void searchDirectory(const std::string& query) = 0;
  virtual void requestVisit(const VisitRequest& request) = 0;
  virtual void cancelVisit(const Uuid& visitId) = 0;
  virtual void useInvitation(const Uuid& visitId, const InvitationPass& pass,
                             const std::string& visitorName) = 0;
  virtual void addEntryPhoto(const Uuid& visitId, const std::vector<std::uint8_t>& jpeg) = 0;
  virtual void checkIn(const Uuid& visitId, const ExitToken& token) = 0;
  virtual void checkOut(const ExitToken& token, const std::vector<std::uint8_t>& exitPhotoJpeg) = 0;
  // A guard approved at the kiosk with a PIN. pinCheckId: the server's check of that PIN (online);
  // empty when the kiosk checked it from its cache (offline, listed for a guard's review).
  virtual void guardApprovedAtKiosk(const Uuid& visitId, const std::string& guardId,
                                    const std::string& pinCheckId) = 0;
  // kind: approval_timeout, printer_fault, camera_fault, scanner_fault, unknown_badge, ...
  virtual void raiseAlert(const std::string& kind, const std::optional<Uuid>& visitId,
                          const std::string& detailsJson) = 0;
  // The same with the photo the guard should see (face_not_found, guard_called); empty = none.
  virtual void raiseAlertWithPhoto(const std::string& kind, const std::optional<Uuid>& visitId,
                                   const std::string& detailsJson,
                                   const std::vector<std::uint8_t>& photoJpeg) = 0;
};

// What the kiosk knows locally to verify a pass without the network.
class PassTrust {
 public:
  virtual ~PassTrust() = default;
  virtual std::optional<PublicKey> key(std::int64_t estateId, std::uint8_t keyId) const = 0;
  virtual bool revoked(const Uuid& invitationId) const = 0;
};

// Results: PhotoCaptured or DeviceFault(camera).
class PhotoCamera {
 public:
  virtual ~PhotoCamera() = default;
  virtual void capture() = 0;
};

// Results: PrintJobAccepted, PrintCompleted or DeviceFault(printer).
class BadgePrinter {
 public:
  virtual ~BadgePrinter() = default;
  virtual void print(const BadgeData& badge) = 0;
};

// What a typed guard PIN gave: checked by the server when online, from the kiosk's cache when not.
struct PinResult {
  enum class Outcome : std::uint8_t { Ok, Wrong, Locked, OfflineLimit };
  Outcome outcome = Outcome::Wrong;
  std::string guardId;     // Ok
  std::string pinCheckId;  // Ok and checked by the server; empty when checked offline
};

// Guard PINs typed at the kiosk (wrong PINs counted; a lock after too many). check() returns at
// once (an Argon2id verify or a server round trip takes a second or more); the answer comes back
// as GuardPinChecked for that visit.
class GuardPins {
 public:
  virtual ~GuardPins() = default;
  virtual void check(const Uuid& visitId, const std::string& pin) = 0;
};

// Why the gate opens: a visit that was let in or out (remote openings by a guard do not pass
// through the flow).
struct GateOpening {
  Uuid visitId;
  std::string direction;  // "entry" | "exit"
  std::string reason;     // walk_in | guard_pin | pass | exit
};

// The gate or turnstile (a relay channel). open() returns at once: Ok when the relay took the
// command, else the fault (code = what the visitor is told). The implementation records every
// opening and every fault (outbox event; a fault alerts the guard).
class Gate {
 public:
  virtual ~Gate() = default;
  virtual Status open(const GateOpening& opening) = 0;
};

struct Ports {
  VisitBackend* backend = nullptr;
  PassTrust* trust = nullptr;
  PhotoCamera* camera = nullptr;
  BadgePrinter* printer = nullptr;
  GuardPins* guardPins = nullptr;
  Gate* gate = nullptr;  // optional: a kiosk with no gate to open
};

}  // namespace gatehouse::flow
