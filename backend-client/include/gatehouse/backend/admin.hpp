// Administration used by gatehouse-admin and by tests: people, kiosks, keys, demo data, CSV import.
#pragma once
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"

namespace gatehouse::backend {

std::int64_t createEstate(Connection& c, const std::string& name,
                          const std::string& timezone = "UTC");
// Creates the estate's first Ed25519 pass-signing key (key id 1) if it has none.
void ensureEstateKey(Connection& c, std::int64_t estateId);
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
  std::string adminEmail;
};
// "Harbour View": buildings A and B, 40 units, residents, two guards, one admin, three kiosks.
// Fixed demo tokens and passwords (documented in the README; never for production).
DemoEstate seedDemo(Connection& c);

}  // namespace gatehouse::backend
