// Estates, units, people, kiosks, signing keys, CSV import and the demo estate.
#include "gatehouse/backend/admin.hpp"

#include <map>
#include <regex>
#include <sstream>

#include "gatehouse/backend/people_admin.hpp"
#include "gatehouse/core/base64url.hpp"
#include "gatehouse/core/document_hash.hpp"
#include "gatehouse/core/pass.hpp"
#include "gatehouse/core/password.hpp"

namespace gatehouse::backend {

std::int64_t createEstate(Connection& c, const std::string& name, const std::string& timezone,
                          SigningKey& key) {
  auto rows = c.exec("INSERT INTO gh.estate (name, timezone) VALUES ($1, $2) RETURNING id",
                     {name, timezone});
  const auto id = rows[0].int64("id");
  key = rotateEstateKey(c, id);
  return id;
}

SigningKey rotateEstateKey(Connection& c, std::int64_t estateId) {
  const auto k = KeyPair::generate();
  SigningKey out;
  c.transaction([&](Connection& tx) {
    tx.exec("SELECT 1 FROM gh.estate WHERE id = $1 FOR UPDATE", {estateId});
    auto rows = tx.exec(
        "SELECT coalesce(max(key_id), 0) + 1 AS next FROM gh.estate_key WHERE estate_id = $1",
        {estateId});
    const auto next = rows[0].int64("next");
    if (next > 255) throw Error(ErrorKind::Conflict, "estate has used all 255 key ids");
    tx.exec(
        "UPDATE gh.estate_key SET retired_at = now() WHERE estate_id = $1 AND retired_at IS NULL",
        {estateId});
    tx.exec("INSERT INTO gh.estate_key (estate_id, key_id, public_key) VALUES ($1, $2, $3)",
            {estateId, next, Bytes(k.publicKey.begin(), k.publicKey.end())});
    out.estateId = estateId;
    out.keyId = static_cast<std::uint8_t>(next);
  });
  out.secret = k.secretKey;
  return out;
}

void revokeEstateKey(Connection& c, std::int64_t estateId, std::uint8_t keyId) {
  auto rows = c.exec(
      "UPDATE gh.estate_key SET revoked_at = coalesce(revoked_at, now()), active = false, "
      "retired_at = coalesce(retired_at, now()) WHERE estate_id = $1 AND key_id = $2 RETURNING 1",
      {estateId, static_cast<int>(keyId)});
  if (rows.empty()) throw Error(ErrorKind::NotFound, "no such key", "", "key_not_found");
}

int exportLegacySigningKeys(Connection& c, const std::string& path) {
  int moved = 0;
  c.transaction([&](Connection& tx) {
    auto rows =
        tx.exec("DELETE FROM gh_secret.legacy_estate_key RETURNING estate_id, key_id, secret_key");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      SigningKey k;
      k.estateId = rows[i].int64("estate_id");
      k.keyId = static_cast<std::uint8_t>(rows[i].int64("key_id"));
      const auto b = rows[i].bytes("secret_key");
      if (b.size() != k.secret.size()) throw Error(ErrorKind::Internal, "bad legacy key");
      std::copy(b.begin(), b.end(), k.secret.begin());
      if (auto ok = appendSigningKey(path, k); !ok)
        throw Error(ErrorKind::InvalidInput, ok.error().message);
      ++moved;
    }
  });
  return moved;
}

std::int64_t createUnit(Connection& c, std::int64_t estateId, const std::string& label,
                        const std::string& building) {
  auto rows = c.exec(
      "INSERT INTO gh.unit (estate_id, label, building) VALUES ($1, $2, $3) "
      "ON CONFLICT (estate_id, label) DO UPDATE SET building = EXCLUDED.building RETURNING id",
      {estateId, label, building});
  return rows[0].int64("id");
}

namespace {

// A guard's PIN as stored: the database derives its bcrypt verifier from `pin` (never kept
// elsewhere); kiosks get `offlineHash` (hashPin).
struct PinSecrets {
  std::string pin;
  std::string offlineHash;
};

// The demo's fixed PINs hash once per process: every test that seeds the demo reuses them.
const PinSecrets& demoPin(const std::string& pin) {
  static std::map<std::string, PinSecrets> memo;
  auto it = memo.find(pin);
  if (it == memo.end()) it = memo.emplace(pin, PinSecrets{pin, hashPin(pin)}).first;
  return it->second;
}

std::int64_t insertPerson(Connection& c, const NewPerson& p,
                          const std::optional<std::string>& passwordHash,
                          const std::optional<PinSecrets>& pin) {
  std::optional<std::int64_t> unitId;
  if (p.role == "resident") {
    auto u = c.exec("SELECT id FROM gh.unit WHERE estate_id = $1 AND label = $2",
                    {p.estateId, p.unitLabel});
    if (u.empty())
      throw Error(ErrorKind::NotFound, "unit " + p.unitLabel + " not found", "", "unit_not_found");
    unitId = u[0].int64("id");
  }
  auto rows = c.exec(
      "INSERT INTO gh.person (estate_id, unit_id, role, full_name, email, phone, password_hash, "
      "pin_verifier, pin_offline_hash) "
      "VALUES ($1, $2, $3::gh.person_role, $4, $5, nullif($6, ''), $7, "
      "gh_crypto.crypt($8, gh_crypto.gen_salt('bf', 10)), $9) RETURNING id",
      {p.estateId, unitId, p.role, p.fullName, p.email, p.phone, passwordHash,
       pin ? std::optional<std::string>(pin->pin) : std::nullopt,
       pin ? std::optional<std::string>(pin->offlineHash) : std::nullopt});
  return rows[0].int64("id");
}

}  // namespace

std::int64_t createPerson(Connection& c, const NewPerson& p) {
  if (p.role != "resident" && p.role != "guard" && p.role != "admin")
    throw Error(ErrorKind::InvalidInput, "role must be resident, guard or admin", "", "role");
  std::optional<std::string> pw;
  std::optional<PinSecrets> pin;
  if (!p.password.empty()) pw = hashPassword(p.password);
  if (!p.pin.empty()) {
    checkPin(p.pin);
    pin = PinSecrets{p.pin, hashPin(p.pin)};
  }
  return insertPerson(c, p, pw, pin);
}

void setPassword(Connection& c, const std::string& email, const std::string& password) {
  if (password.size() < 8)
    throw Error(ErrorKind::InvalidInput, "password must have at least 8 characters");
  auto rows = c.exec(
      "UPDATE gh.person SET password_hash = $2, failed_logins = 0, locked_until = NULL "
      "WHERE lower(email) = lower($1)",
      {email, hashPassword(password)});
  if (rows.affected() == 0) throw Error(ErrorKind::NotFound, "no person with email " + email);
}

NewKiosk createKiosk(Connection& c, std::int64_t estateId, const std::string& name,
                     const std::string& location, const std::string& token) {
  NewKiosk k;
  k.token = token.empty() ? randomToken() : token;
  auto rows = c.exec(
      "INSERT INTO gh.kiosk (estate_id, name, location, token_hash) VALUES ($1, $2, $3, $4) "
      "RETURNING id",
      {estateId, name, location, sha256Hex(k.token)});
  k.kioskId = rows[0].int64("id");
  return k;
}

namespace {

// RFC 4180 fields of one record; quoted fields may hold commas, quotes and newlines.
bool readCsvRecord(std::istream& in, std::vector<std::string>& fields, int& line) {
  fields.clear();
  std::string field;
  bool quoted = false, any = false;
  char ch;
  while (in.get(ch)) {
    any = true;
    if (quoted) {
      if (ch == '"') {
        if (in.peek() == '"') {
          field.push_back('"');
          in.get();
        } else {
          quoted = false;
        }
      } else {
        if (ch == '\n') ++line;
        field.push_back(ch);
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (ch == '\n') {
      ++line;
      fields.push_back(std::move(field));
      return true;
    } else if (ch != '\r') {
      field.push_back(ch);
    }
  }
  if (quoted)
    throw Error(ErrorKind::InvalidInput, "line " + std::to_string(line) + ": unterminated quote");
  if (any) fields.push_back(std::move(field));
  return any;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

int importResidents(Connection& c, std::int64_t estateId, std::istream& csv) {
  const auto rows = parseResidentsCsv(estateId, csv);
  c.transaction([&](Connection& tx) {
    for (const auto& r : rows) {
      createUnit(tx, estateId, r.person.unitLabel, r.building);
      try {
        createPerson(tx, r.person);
      } catch (const Error& e) {
        throw Error(e.kind(),
                    "line " + std::to_string(r.line) + ": " + e.what() + "; nothing imported",
                    e.sqlstate(), e.detail());
      }
    }
  });
  return static_cast<int>(rows.size());
}

std::vector<ResidentRow> parseResidentsCsv(std::int64_t estateId, std::istream& csv) {
  std::vector<std::string> f;
  int line = 1;
  using RowData = ResidentRow;
  std::vector<RowData> rows;
  std::vector<std::string> problems;
  int recordLine = line;
  if (!readCsvRecord(csv, f, line) || f.size() < 5 || trim(f[0]) != "unit")
    throw Error(ErrorKind::InvalidInput,
                "line 1: header must be unit,building,full_name,email,phone[,password]");
  static const std::regex email(R"(^[^@\s]+@[^@\s]+\.[^@\s]+$)");
  for (recordLine = line; readCsvRecord(csv, f, line); recordLine = line) {
    if (f.size() == 1 && trim(f[0]).empty()) continue;  // blank line
    const std::string at = "line " + std::to_string(recordLine) + ": ";
    if (f.size() < 5 || f.size() > 6) {
      problems.push_back(at + "expected 5 or 6 fields, found " + std::to_string(f.size()));
      continue;
    }
    RowData r{recordLine, {}, trim(f[1])};
    r.person.estateId = estateId;
    r.person.role = "resident";
    r.person.unitLabel = trim(f[0]);
    r.person.fullName = trim(f[2]);
    r.person.email = trim(f[3]);
    r.person.phone = trim(f[4]);
    if (f.size() == 6) r.person.password = f[5];
    if (r.person.unitLabel.empty() || r.person.unitLabel.size() > 32)
      problems.push_back(at + "unit must be 1-32 characters");
    if (r.person.fullName.empty() || r.person.fullName.size() > 200)
      problems.push_back(at + "full_name must be 1-200 characters");
    if (!std::regex_match(r.person.email, email))
      problems.push_back(at + "email '" + r.person.email + "' is not valid");
    for (const auto& other : rows)
      if (other.person.email == r.person.email)
        problems.push_back(at + "email " + r.person.email + " repeats line " +
                           std::to_string(other.line));
    rows.push_back(std::move(r));
  }
  if (!problems.empty()) {
    std::string msg = std::to_string(problems.size()) + " bad row(s), nothing imported:";
    for (const auto& p : problems) msg += "\n  " + p;
    throw Error(ErrorKind::InvalidInput, msg, "", "csv");
  }
  return rows;
}

DemoEstate seedDemo(Connection& c) {
  DemoEstate d;
  d.residentPassword = "gatehouse-demo";
  c.transaction([&](Connection& tx) {
    if (!tx.exec("SELECT 1 FROM gh.estate WHERE name = 'Harbour View'").empty())
      throw Error(ErrorKind::Conflict, "the demo estate exists already", "", "demo_exists");
    SigningKey key;
    d.estateId = createEstate(tx, "Harbour View", "Europe/London", key);
    d.signingKeys.push_back(key);
    const auto hash = hashPassword(d.residentPassword);  // one hash for every demo login
    static const char* surnames[] = {
        "Ahmed",   "Baker",  "Chen",     "Dubois",  "Evans",  "Fischer",  "García",  "Hughes",
        "Ivanova", "Jones",  "Kowalski", "Lee",     "Müller", "Nakamura", "O'Brien", "Patel",
        "Quinn",   "Rossi",  "Smirnov",  "Taylor",  "Umarov", "Varga",    "Walker",  "Xu",
        "Yilmaz",  "Zhang",  "Novak",    "Costa",   "Haddad", "Kim",      "Петрова", "Larsen",
        "Moreau",  "Nguyen", "Okafor",   "Pereira", "Santos", "Tanaka",   "Wright",  "Young"};
    static const char* given[] = {"Alex", "Maria", "Sam",  "Priya", "Ivan",
                                  "Lena", "Omar",  "Yuki", "Anna",  "Tom"};
    int n = 0;
    for (const char* building : {"A", "B"}) {
      for (int floor = 1; floor <= 2; ++floor) {
        for (int flat = 1; flat <= 10; ++flat) {
          const std::string label =
              std::string(building) + "-" + std::to_string(floor * 100 + flat);
          createUnit(tx, d.estateId, label, std::string("Building ") + building);
          std::string lower = label;
          for (auto& ch : lower)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          NewPerson p{d.estateId,
                      "resident",
                      std::string(given[n % 10]) + " " + surnames[n % 40],
                      lower + "@harbour.example",
                      {},
                      label,
                      "+44 20 7946 0" + std::to_string(100 + n),
                      {}};
          insertPerson(tx, p, hash, std::nullopt);
          d.residentEmails.push_back(p.email);
          if (n % 4 == 0) {  // some households have two residents
            NewPerson q = p;
            q.fullName = std::string(given[(n + 3) % 10]) + " " + surnames[n % 40];
            q.email = lower + ".2@harbour.example";
            insertPerson(tx, q, hash, std::nullopt);
            d.residentEmails.push_back(q.email);
          }
          ++n;
        }
      }
    }
    for (int g = 1; g <= 2; ++g) {
      NewPerson p{d.estateId,
                  "guard",
                  g == 1 ? "Grace Guard" : "Gabriel Night",
                  "guard" + std::to_string(g) + "@harbour.example",
                  {},
                  {},
                  {},
                  {}};
      d.guardPins.push_back(g == 1 ? "246813" : "975310");
      insertPerson(tx, p, hash, demoPin(d.guardPins.back()));
      d.guardEmails.push_back(p.email);
    }
    NewPerson admin{d.estateId, "admin", "Ada Admin", "admin@harbour.example", {}, {}, {}, {}};
    d.adminPin = "864200";
    insertPerson(tx, admin, hash, demoPin(d.adminPin));
    d.adminEmail = admin.email;
    const char* kiosks[][2] = {{"Main gate", "North entrance"},
                               {"Building A lobby", "Tower A"},
                               {"Building B lobby", "Tower B"}};
    for (int k = 0; k < 3; ++k)
      d.kiosks.push_back(createKiosk(tx, d.estateId, kiosks[k][0], kiosks[k][1],
                                     "demo-kiosk-" + std::to_string(k + 1) + "-token"));

    SigningKey hillsideKey;
    d.otherEstateId = createEstate(tx, "Hillside Court", "Europe/Moscow", hillsideKey);
    d.signingKeys.push_back(hillsideKey);
    createUnit(tx, d.otherEstateId, "H-1", "Main");
    NewPerson other{d.otherEstateId, "resident", "Olga Hill", "h-1@hillside.example", {},
                    "H-1",           {},         {}};
    insertPerson(tx, other, hash, std::nullopt);
    NewPerson otherGuard{
        d.otherEstateId, "guard", "Hector Hill", "guard@hillside.example", {}, {}, {}, {}};
    insertPerson(tx, otherGuard, hash, std::nullopt);
    createKiosk(tx, d.otherEstateId, "Hillside gate", "Gate", "demo-hillside-kiosk-token");
  });
  return d;
}

RehashCounts rehashDocuments(Connection& c, const std::string& pepper) {
  if (pepper.size() < 32)
    throw Error(ErrorKind::InvalidInput, "the document pepper must be at least 32 bytes", "",
                "document_pepper");
  RehashCounts n;
  c.transaction([&](Connection& tx) {
    for (const char* table : {"visitor", "watchlist"}) {
      const std::string t = table;
      auto rows =
          tx.exec("SELECT id, document_hash FROM gh." + t +
                  " WHERE document_hash IS NOT NULL AND NOT document_hash_keyed FOR UPDATE");
      for (std::size_t i = 0; i < rows.size(); ++i) {
        tx.exec(
            "UPDATE gh." + t + " SET document_hash = $2, document_hash_keyed = true WHERE id = $1",
            {rows[i].int64("id"), rekeyDocumentDigest(pepper, rows[i].text("document_hash"))});
      }
      tx.exec("UPDATE gh." + t +
              " SET document_hash_keyed = true WHERE document_hash IS NULL "
              "AND NOT document_hash_keyed");
      (t == "visitor" ? n.visitors : n.watchlist) = static_cast<std::int64_t>(rows.size());
    }
  });
  return n;
}

}  // namespace gatehouse::backend
