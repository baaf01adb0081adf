// A person's rights: find everything held about a visitor, export it as one archive, erase it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"

namespace gatehouse::backend {

// At least one of name (matched like the watchlist: case, accents, word order ignored), phone
// (digits only compared) or document number (matched by its hash) must be given.
struct SubjectQuery {
  std::int64_t estateId = 0;
  std::string name;
  std::string phone;
  std::string documentNumber;
  std::string documentPepper;    // the estate's pepper: needed to search by document number
  std::string describe() const;  // which fields were used, without their values
};
std::vector<Uuid> findSubjectVisits(Connection& c, const SubjectQuery& q);

struct SubjectExport {
  int visits = 0;
  int photos = 0;
};
// Writes a tar archive (refuses to overwrite): subject.json (every visit with its visitor,
// unit, evidence list, alerts, holds and audit rows) and photos/<evidence id>.<ext>. Audited.
SubjectExport exportSubject(Connection& c, const SubjectQuery& q, const std::string& tarPath);

struct SubjectErasure {
  int visits = 0;
  int photos = 0;
  int alertPhotos = 0;  // photos kept with their alerts (face_not_found, guard_called)
};
// Anonymises every matching visit and deletes its photos (hashes stay, so chains verify).
// All or nothing; refused (Conflict, "on_hold") while any of them is on legal hold. Audited.
SubjectErasure eraseSubject(Connection& c, const SubjectQuery& q);

}  // namespace gatehouse::backend
