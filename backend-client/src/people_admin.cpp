// People commands of gatehouse-admin: PIN checks, TOTP enrolment with a terminal QR, sync.
#include "gatehouse/backend/people_admin.hpp"

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/core/base64url.hpp"
#include "gatehouse/core/password.hpp"

namespace gatehouse::backend {

namespace {

std::string base32(const std::vector<std::uint8_t>& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (auto b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::string percentEncode(const std::string& s) {
  std::string out;
  char hex[4];
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == '@') {
      out.push_back(static_cast<char>(ch));
    } else {
      std::snprintf(hex, sizeof hex, "%%%02X", ch);
      out += hex;
    }
  }
  return out;
}

struct Existing {
  std::int64_t id = 0;
  std::string name, phone, unit;
  bool active = true;
};

}  // namespace

void checkPin(const std::string& pin) {
  const bool digits =
      std::all_of(pin.begin(), pin.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  if (!digits || pin.size() < 6 || pin.size() > 12)
    throw Error(ErrorKind::InvalidInput, "the kiosk PIN must be 6 to 12 digits");
}

std::string enrolTotp(Connection& c, std::int64_t personId) {
  auto raw = base64urlDecode(randomToken(20));  // 160 bits, as RFC 4226 recommends
  if (!raw) throw Error(ErrorKind::Internal, "random source failed");
  const auto secret = base32(*raw);
  auto rows = c.exec("UPDATE gh.person SET totp_secret = $2 WHERE id = $1 RETURNING email",
                     {personId, secret});
  if (rows.empty()) throw Error(ErrorKind::NotFound, "no person " + std::to_string(personId));
  const auto label = percentEncode("Gatehouse:" + rows[0].text("email"));
  return "otpauth://totp/" + label + "?secret=" + secret +
         "&issuer=Gatehouse&algorithm=SHA1&digits=6&period=30";
}

std::string enrolTotp(Connection& c, const std::string& email) {
  auto rows = c.exec("SELECT id FROM gh.person WHERE lower(email) = lower($1)", {email});
  if (rows.empty()) throw Error(ErrorKind::NotFound, "no person with e-mail " + email);
  return enrolTotp(c, rows[0].int64("id"));
}

std::string terminalQr(const std::string& text) {
  ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::QRCode);
  writer.setMargin(2);
  const ZXing::BitMatrix m = writer.encode(text, 0, 0);
  // Two modules per character cell: upper half, lower half. Light background, dark modules.
  std::string out;
  for (int y = 0; y < m.height(); y += 2) {
    for (int x = 0; x < m.width(); ++x) {
      const bool top = m.get(x, y), bottom = y + 1 < m.height() && m.get(x, y + 1);
      out += top && bottom ? " " : top ? "\u2584" : bottom ? "\u2580" : "\u2588";
    }
    out += "\n";
  }
  return out;
}

void deactivatePerson(Connection& c, const std::string& email) {
  c.transaction([&](Connection& tx) {
    auto rows = tx.exec(
        "UPDATE gh.person SET active = false WHERE lower(email) = lower($1) RETURNING id, "
        "estate_id",
        {email});
    if (rows.empty()) throw Error(ErrorKind::NotFound, "no person with email " + email);
    const auto id = rows[0].int64("id");
    tx.exec("DELETE FROM gh.portal_session WHERE person_id = $1", {id});
    tx.exec(
        "INSERT INTO gh.audit_log (estate_id, action, subject, details) "
        "VALUES ($1, 'person_deactivated', $2, '{\"by\":\"gatehouse-admin\"}')",
        {rows[0].int64("estate_id"), "person:" + std::to_string(id)});
  });
}

void moveResident(Connection& c, const std::string& email, const std::string& unitLabel) {
  c.transaction([&](Connection& tx) {
    auto p = tx.exec(
        "SELECT id, estate_id, role::text AS role FROM gh.person WHERE lower(email) = lower($1)",
        {email});
    if (p.empty()) throw Error(ErrorKind::NotFound, "no person with email " + email);
    if (p[0].text("role") != "resident")
      throw Error(ErrorKind::InvalidInput,
                  email + " is a " + p[0].text("role") + ", not a resident");
    auto u = tx.exec("SELECT id FROM gh.unit WHERE estate_id = $1 AND label = $2",
                     {p[0].int64("estate_id"), unitLabel});
    if (u.empty())
      throw Error(ErrorKind::NotFound, "unit " + unitLabel + " not found in the estate");
    tx.exec("UPDATE gh.person SET unit_id = $2 WHERE id = $1",
            {p[0].int64("id"), u[0].int64("id")});
    tx.exec(
        "INSERT INTO gh.audit_log (estate_id, action, subject, details) VALUES ($1, "
        "'resident_moved', $2, jsonb_build_object('unit', $3::text, 'by', 'gatehouse-admin'))",
        {p[0].int64("estate_id"), "person:" + std::to_string(p[0].int64("id")), unitLabel});
  });
}

std::vector<SyncChange> syncResidents(Connection& c, std::int64_t estateId, std::istream& csv,
                                      bool dryRun) {
  const auto rows = parseResidentsCsv(estateId, csv);  // throws on bad rows: nothing written
  std::vector<SyncChange> changes;
  c.transaction([&](Connection& tx) {
    std::map<std::string, Existing> existing;  // by lower-case e-mail
    auto cur = tx.exec(
        "SELECT p.id, lower(p.email) AS email, p.full_name, coalesce(p.phone, '') AS phone, "
        "coalesce(u.label, '') AS unit, p.active FROM gh.person p LEFT JOIN gh.unit u ON u.id = "
        "p.unit_id WHERE p.estate_id = $1 AND p.role = 'resident'",
        {estateId});
    for (std::size_t i = 0; i < cur.size(); ++i)
      existing[cur[i].text("email")] = {cur[i].int64("id"), cur[i].text("full_name"),
                                        cur[i].text("phone"), cur[i].text("unit"),
                                        cur[i].boolean("active")};
    std::map<std::string, bool> listed;
    for (const auto& r : rows) {
      std::string key = r.person.email;
      std::transform(key.begin(), key.end(), key.begin(), ::tolower);
      listed[key] = true;
      auto it = existing.find(key);
      if (it == existing.end()) {
        changes.push_back({"add", r.person.email, "unit " + r.person.unitLabel});
        if (!dryRun) {
          createUnit(tx, estateId, r.person.unitLabel, r.building);
          createPerson(tx, r.person);
        }
        continue;
      }
      const auto& e = it->second;
      std::string what;
      if (e.name != r.person.fullName)
        what += "name '" + e.name + "' -> '" + r.person.fullName + "'; ";
      if (e.phone != r.person.phone)
        what += "phone '" + e.phone + "' -> '" + r.person.phone + "'; ";
      if (e.unit != r.person.unitLabel)
        what += "unit " + e.unit + " -> " + r.person.unitLabel + "; ";
      if (!e.active) changes.push_back({"reactivate", r.person.email, ""});
      if (!what.empty())
        changes.push_back({"update", r.person.email, what.substr(0, what.size() - 2)});
      if (dryRun || (what.empty() && e.active)) continue;
      const auto unitId = createUnit(tx, estateId, r.person.unitLabel, r.building);
      tx.exec(
          "UPDATE gh.person SET full_name = $2, phone = nullif($3, ''), unit_id = $4, active = "
          "true "
          "WHERE id = $1",
          {e.id, r.person.fullName, r.person.phone, unitId});
    }
    for (const auto& [email, e] : existing) {
      if (listed.count(email) || !e.active) continue;
      changes.push_back({"deactivate", email, "not in the file"});
      if (dryRun) continue;
      tx.exec("UPDATE gh.person SET active = false WHERE id = $1", {e.id});
      tx.exec("DELETE FROM gh.portal_session WHERE person_id = $1", {e.id});
    }
    if (!dryRun && !changes.empty())
      tx.exec(
          "INSERT INTO gh.audit_log (estate_id, action, subject, details) VALUES ($1, "
          "'residents_synced', $2, jsonb_build_object('changes', $3::int))",
          {estateId, "estate:" + std::to_string(estateId), static_cast<int>(changes.size())});
  });
  return changes;
}

}  // namespace gatehouse::backend
