// Administration used by gatehouse-admin and by tests: people, kiosks, keys, demo data, CSV import.
#pragma once
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"
#include "gatehouse/core/signing_keys.hpp"

namespace gatehouse::backend {

// Creates the estate and its first pass-signing key; `key` receives the secret, which the caller
// stores in the signing key file (it never reaches the database).
std::int64_t createEstate(Connection& c, const std::string& name, const std::string& timezone,
                          SigningKey& key);
// A new Ed25519 pass-signing key (the next key id): the public key goes to gh.estate_key, the
// secret is returned. Older keys are retired: they sign nothing new but keep verifying until
// the passes signed with them expire.
SigningKey rotateEstateKey(Connection& c, std::int64_t estateId);
// At once: kiosks drop the key with their next key refresh and the server stops using it.
void revokeEstateKey(Connection& c, std::int64_t estateId, std::uint8_t keyId);
// Appends secrets that migrations before 0303 left in the database (gh_secret) to `path`, then
// deletes them there. Returns how many moved.
int exportLegacySigningKeys(Connection& c, const std::string& path);
std::int64_t createUnit(Connection& c, std::int64_t estateId, const std::string& label,
                        const std::string& building = {});

struct NewPerson {
  std::int64_t estateId = 0;
  std::string role;  // resident | guard | admin
  std::string fullName;
  std::string email;
  std::string password;   // hashed with Argon2id before it reaches the database; empty = none
  std::string unitLabel;  // residents only
  std::string phone;
  std::string pin;  // guards: kiosk PIN, hashed too; empty = none
};
std::int64_t createPerson(Connection& c, const NewPerson& person);
void setPassword(Connection& c, const std::string& email, const std::string& password);

struct NewKiosk {
  std::int64_t kioskId = 0;
  std::string token;  // shown once; only its sha256 is stored
};
NewKiosk createKiosk(Connection& c, std::int64_t estateId, const std::string& name,
                     const std::string& location = {}, const std::string& token = {});

// CSV columns: unit,building,full_name,email,phone[,password]. All rows or none: a bad row
// throws Error(InvalidInput) naming its line, and nothing is imported.
int importResidents(Connection& c, std::int64_t estateId, std::istream& csv);

// The checked rows of such a CSV (same checks and errors as importResidents), for --sync.
struct ResidentRow {
  int line = 0;
  NewPerson person;
  std::string building;
};
std::vector<ResidentRow> parseResidentsCsv(std::int64_t estateId, std::istream& csv);

struct DemoEstate {
  std::int64_t estateId = 0;
  std::int64_t otherEstateId = 0;  // a second, small estate, to show isolation
  std::vector<NewKiosk> kiosks;    // three kiosks with their tokens
  std::string residentPassword;    // every demo login shares it
  std::vector<std::string> residentEmails;
  std::vector<std::string> guardEmails;
  std::vector<std::string> guardPins;   // kiosk PIN of each guard, in guardEmails' order
  std::string adminPin;                 // the admin's kiosk PIN
  std::vector<SigningKey> signingKeys;  // one per estate; for the signing key file
  std::string adminEmail;
};
// "Harbour View": buildings A and B, 40 units, residents, two guards, one admin, three kiosks.
// Fixed demo tokens and passwords (documented in the README; never for production).
DemoEstate seedDemo(Connection& c);

// Rekeys document hashes stored before the pepper existed (unkeyed sha256 digests) in visitors
// and the watchlist: HMAC-SHA256(pepper, digest), what gatehouse::documentHash gives for the
// number. One transaction; rows rekeyed already are left alone, so a second run changes nothing.
struct RehashCounts {
  std::int64_t visitors = 0;
  std::int64_t watchlist = 0;
};
RehashCounts rehashDocuments(Connection& c, const std::string& pepper);

}  // namespace gatehouse::backend
