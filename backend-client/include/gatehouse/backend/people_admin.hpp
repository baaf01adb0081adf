// Operator commands for people: guard PIN and TOTP enrolment, deactivation, moves, CSV sync.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"

namespace gatehouse::backend {

// A guard's kiosk PIN: 6 to 12 digits. Throws Error(InvalidInput) otherwise.
void checkPin(const std::string& pin);

// Enrols TOTP (RFC 6238, SHA-1, 6 digits, 30 s) for the person: a fresh 160-bit secret, stored
// base32 in gh.person.totp_secret (where sign-in checks it). Returns the otpauth:// URI.
std::string enrolTotp(Connection& c, std::int64_t personId);
// The same for the person with this e-mail (any case); Error(NotFound) when there is none.
std::string enrolTotp(Connection& c, const std::string& email);

// The text as a QR code drawn with Unicode half blocks, for a terminal (dark on light).
std::string terminalQr(const std::string& text);

// Deactivates the person (sign-in and kiosk PINs stop working) and ends their portal sessions.
// Throws Error(NotFound) for an unknown e-mail.
void deactivatePerson(Connection& c, const std::string& email);

// Moves a resident to another unit of the same estate. Errors: NotFound (person or unit),
// InvalidInput (not a resident).
void moveResident(Connection& c, const std::string& email, const std::string& unitLabel);

struct SyncChange {
  std::string action;  // add | update | reactivate | deactivate
  std::string email;
  std::string detail;  // what changes, e.g. "unit A-101 -> B-210"
};
// Makes the estate's residents match the CSV (importResidents' format): adds new e-mails,
// updates name, phone and unit, reactivates listed ones, deactivates residents missing from
// the file. One transaction; with `dryRun` nothing is written. Bad rows: as importResidents.
std::vector<SyncChange> syncResidents(Connection& c, std::int64_t estateId, std::istream& csv,
                                      bool dryRun);

}  // namespace gatehouse::backend
