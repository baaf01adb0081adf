// gatehouse-admin backup / restore: pg_dump custom format, a checksummed manifest, rotation.
#include "gatehouse/backend/ops_admin.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/connection.hpp"
#include "gatehouse/backend/kiosk_client.hpp"
#include "gatehouse/backend/people_admin.hpp"
#include "gatehouse/core/credentials.hpp"
#include "gatehouse/core/sha256.hpp"

extern char** environ;

namespace gatehouse::backend {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kManifest = "manifest.json";
constexpr const char* kDump = "database.dump";
constexpr int kManifestFormat = 1;

// Runs a program with an argument vector (no shell), inheriting stdout/stderr; returns its status.
int runProgram(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0)
    throw Error(ErrorKind::Internal,
                "cannot run " + argv[0] + " (is postgresql-client installed?)");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error(ErrorKind::Internal, "waitpid failed for " + argv[0]);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string utcStamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string latestMigration(Connection& c) {
  auto r = c.exec("SELECT coalesce(max(version), 0)::text AS v FROM gh_meta.schema_migrations");
  return r[0].text("v");
}

// Newest first; only folders that hold a manifest count as backups (nothing else is deleted).
std::vector<fs::path> listBackups(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory() && e.path().filename().string().rfind("gatehouse-", 0) == 0 &&
        fs::exists(e.path() / kManifest))
      out.push_back(e.path());
  std::sort(out.begin(), out.end(), std::greater<>());
  return out;
}

json readManifest(const fs::path& dir) {
  std::ifstream in(dir / kManifest);
  if (!in)
    throw Error(ErrorKind::InvalidInput, "no " + std::string(kManifest) + " in " + dir.string());
  auto m = json::parse(in, nullptr, false);
  if (!m.is_object() || m.value("format", 0) != kManifestFormat || !m.contains("sha256") ||
      !m.contains("rows"))
    throw Error(ErrorKind::InvalidInput,
                "not a Gatehouse backup manifest: " + (dir / kManifest).string());
  return m;
}

void usePasswordCredential() {
  // A unit's LoadCredential=db-password reaches pg_dump/pg_restore and libpq as PGPASSWORD.
  if (std::getenv("PGPASSWORD") != nullptr) return;
  if (auto pw = readCredential(credential::kDbPassword)) setenv("PGPASSWORD", pw->c_str(), 1);
}

}  // namespace

RowCounts countRows(const std::string& url) {
  Connection c(url);
  RowCounts out;
  // Names come from the catalog, quoted by the server (%I), never from input.
  auto tables = c.exec(
      "SELECT format('%I.%I', n.nspname, t.relname) AS name FROM pg_class t "
      "JOIN pg_namespace n ON n.oid = t.relnamespace "
      "WHERE t.relkind = 'r' AND n.nspname IN ('gh', 'gh_meta') ORDER BY 1");
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const auto name = tables[i].text("name");
    out[name] = c.exec("SELECT count(*) AS n FROM " + name)[0].int64("n");
  }
  return out;
}

BackupInfo backupDatabase(const std::string& url, const std::string& backupsDir, int keep) {
  if (keep < 0) throw Error(ErrorKind::InvalidInput, "--keep must be 0 (all) or more");
  BackupInfo info;
  {
    Connection c(url);
    info.latestMigration = latestMigration(c);
  }
  const fs::path root(backupsDir);
  fs::create_directories(root);
  std::string name = "gatehouse-" + utcStamp();
  for (int n = 2; fs::exists(root / name); ++n)
    name = "gatehouse-" + utcStamp() + "-" + std::to_string(n);
  const fs::path partial = root / ("." + name + ".partial");
  fs::remove_all(partial);
  fs::create_directories(partial);
  const auto dump = (partial / kDump).string();
  if (runProgram({"pg_dump", "--format=custom", "--file=" + dump, "--dbname=" + url}) != 0) {
    fs::remove_all(partial);
    throw Error(ErrorKind::Internal, "pg_dump failed (see its message above); no backup written");
  }
  // Counted after the dump; a busy database may have moved on, so restore compares with a
  // warning rather than failing. The drill runs on a quiet database and checks equality.
  info.rows = countRows(url);
  auto sum = sha256File(dump);
  if (!sum) throw Error(ErrorKind::Internal, sum.error().message);
  info.sha256 = *sum;
  json m = {{"format", kManifestFormat},
            {"created_utc", utcStamp()},
            {"dump", kDump},
            {"sha256", info.sha256},
            {"bytes", fs::file_size(dump)},
            {"latest_migration", info.latestMigration},
            {"rows", info.rows}};
  std::ofstream(partial / kManifest) << m.dump(2) << "\n";
  fs::rename(partial, root / name);
  info.dir = (root / name).string();
  info.dumpFile = (root / name / kDump).string();
  if (keep > 0) {
    auto all = listBackups(root);
    for (std::size_t i = static_cast<std::size_t>(keep); i < all.size(); ++i) {
      fs::remove_all(all[i]);
      info.removed.push_back(all[i].string());
    }
  }
  return info;
}

RestoreInfo restoreDatabase(const std::string& url, const std::string& backupDir) {
  const fs::path dir(backupDir);
  const json m = readManifest(dir);
  const auto dump = (dir / m.value("dump", kDump)).string();
  auto sum = sha256File(dump);
  if (!sum) throw Error(ErrorKind::InvalidInput, sum.error().message);
  if (*sum != m["sha256"].get<std::string>())
    throw Error(ErrorKind::InvalidInput,
                "checksum mismatch for " + dump + ": the backup is damaged");
  {
    Connection c(url);
    auto r = c.exec("SELECT count(*) AS n FROM pg_namespace WHERE nspname IN ('gh', 'gh_meta')");
    if (r[0].int64("n") > 0)
      throw Error(ErrorKind::Conflict,
                  "the target database is not empty (schema gh exists): restore only into a new, "
                  "empty database");
  }
  if (runProgram({"pg_restore", "--exit-on-error", "--single-transaction", "--no-owner",
                  "--dbname=" + url, dump}) != 0)
    throw Error(ErrorKind::Internal,
                "pg_restore failed (see its message above); nothing was restored");
  RestoreInfo info;
  info.expected = m["rows"].get<RowCounts>();
  info.actual = countRows(url);
  return info;
}

namespace {

std::string readSecretLine(std::istream& in) {
  std::string s;
  std::getline(in, s);
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

std::string need(const std::map<std::string, std::string>& options, const std::string& k) {
  auto it = options.find(k);
  if (it == options.end() || it->second.empty()) throw std::invalid_argument("missing --" + k);
  return it->second;
}

std::int64_t number(const std::string& text, const std::string& what) {
  try {
    std::size_t used = 0;
    const auto v = std::stoll(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(what + " must be a number");
}

int createUserCommand(Connection& c, const std::map<std::string, std::string>& o,
                      std::istream& in) {
  auto get = [&](const std::string& k) { return o.count(k) ? o.at(k) : std::string(); };
  NewPerson p{number(need(o, "estate"), "--estate"),
              need(o, "role"),
              need(o, "name"),
              need(o, "email"),
              readSecretLine(in),
              get("unit"),
              get("phone"),
              {}};
  if (p.password.empty())
    throw std::invalid_argument("empty password: give the password on the first line of stdin");
  if (o.count("pin")) {
    if (p.role == "resident") throw std::invalid_argument("--pin is for guards and admins");
    p.pin = readSecretLine(in);  // second line: never on the command line (ps, shell history)
    checkPin(p.pin);
  }
  std::int64_t id = 0;
  std::string uri;
  c.transaction([&](Connection& tx) {
    id = createPerson(tx, p);  // the shared path: password and PIN hashing live there
    if (o.count("totp")) uri = enrolTotp(tx, id);
  });
  std::cout << "created person " << id << "\n";
  if (!p.pin.empty()) std::cout << "kiosk PIN set\n";
  if (!uri.empty())
    std::cout << "TOTP enrolled; scan with an authenticator app or enter the secret:\n"
              << uri << "\n"
              << terminalQr(uri);
  return 0;
}

// A visitor arrives at kiosk N through the kiosk's own function (token checked as for a kiosk).
int simulateVisitorCommand(const std::string& url, const std::map<std::string, std::string>& o) {
  auto get = [&](const std::string& k, const std::string& def) {
    return o.count(k) && !o.at(k).empty() ? o.at(k) : def;
  };
  const char* envToken = std::getenv("GATEHOUSE_KIOSK_TOKEN");
  const auto token = get("token", envToken ? envToken : "");
  if (token.empty())
    throw std::invalid_argument(
        "simulate-visitor needs the kiosk's --token (or GATEHOUSE_KIOSK_TOKEN)");
  KioskClient kiosk(url, {number(need(o, "kiosk"), "--kiosk"), token});
  const auto unit = get("unit", "A-101");
  std::int64_t unitId = 0;
  for (const auto& e : kiosk.directory(unit, 50))
    if (e.unitLabel == unit) unitId = e.unitId;
  if (unitId == 0) throw Error(ErrorKind::NotFound, "unit " + unit + " not found for this kiosk");
  VisitRequest r;
  r.visitId = Uuid::random();
  r.unitId = unitId;
  r.visitorName = get("name", "Sam Simulated");
  r.visitorPhone = "+1 555 0199";
  r.purpose = get("purpose", "Guest");
  r.requestedAt = std::chrono::system_clock::now();
  const auto state = kiosk.requestVisit(r);
  std::cout << "visit " << r.visitId.toString() << " at kiosk " << o.at("kiosk") << " for " << unit
            << ": " << toString(state.status) << "\n";
  if (state.status == VisitStatus::Pending)
    std::cout << "a resident of " << unit << " can let them in from the portal now\n";
  return 0;
}

int runPeopleCommand(const std::string& url, const std::vector<std::string>& positional,
                     const std::map<std::string, std::string>& options, std::istream& in) {
  const auto& cmd = positional[0];
  if (cmd == "simulate-visitor") return simulateVisitorCommand(url, options);
  Connection c(url);
  if (cmd == "create-user") return createUserCommand(c, options, in);
  if (positional.size() < 2) throw std::invalid_argument(cmd + " needs an argument");
  if (cmd == "deactivate-user") {
    deactivatePerson(c, positional[1]);
    std::cout << "deactivated " << positional[1] << "\n";
    return 0;
  }
  if (cmd == "enrol-totp") {  // a new secret replaces the old one: the old app stops working
    const auto uri = enrolTotp(c, positional[1]);
    std::cout << uri << "\n" << terminalQr(uri);
    return 0;
  }
  if (cmd == "move-resident") {
    moveResident(c, positional[1], need(options, "unit"));
    std::cout << "moved " << positional[1] << " to " << options.at("unit") << "\n";
    return 0;
  }
  std::ifstream file(positional[1]);
  if (!file) throw std::invalid_argument("cannot open " + positional[1]);
  const bool dry = options.count("dry-run") > 0;
  const auto changes = syncResidents(c, number(need(options, "estate"), "--estate"), file, dry);
  for (const auto& ch : changes)
    std::cout << ch.action << " " << ch.email << (ch.detail.empty() ? "" : ": " + ch.detail)
              << "\n";
  std::cout << changes.size() << " change(s)" << (dry ? " (dry run: nothing written)" : "") << "\n";
  return 0;
}

}  // namespace

const char* const kOpsUsage =
    R"(  backup --dir DIR [--keep N]     pg_dump -Fc + manifest.json (sha256, row counts) into
                                  DIR/gatehouse-<UTC time>; keeps the newest N (default 14)
  restore BACKUP_DIR              into an EMPTY database (the URL's); verifies the checksum,
                                  compares row counts with the manifest (exit 4 if different)
  create-user --estate ID --role resident|guard|admin --name NAME --email EMAIL
              [--unit LABEL] [--phone P] [--pin] [--totp]
                                  stdin line 1: password (required); line 2 with --pin: the
                                  kiosk PIN (6-12 digits); --totp prints an otpauth URI + QR
  deactivate-user EMAIL           sign-in and PIN stop working; portal sessions end
  enrol-totp EMAIL                a new TOTP secret for staff sign-in: prints the otpauth URI + QR
  move-resident EMAIL --unit LABEL
  import-residents FILE --estate ID --sync [--dry-run]
                                  add, update and deactivate residents to match FILE
  simulate-visitor --kiosk N --token T [--unit A-101] [--name NAME] [--purpose P]
                                  a walk-in visitor arrives at kiosk N and waits for the unit
                                  (T from GATEHOUSE_KIOSK_TOKEN also works; demo: .gatehouse/demo.env)
)";

bool isOpsFlag(const std::string& option) {
  return option == "sync" || option == "dry-run" || option == "pin" || option == "totp";
}

bool isOpsCommand(const std::string& command, const std::map<std::string, std::string>& options) {
  return command == "backup" || command == "restore" || command == "create-user" ||
         command == "deactivate-user" || command == "enrol-totp" || command == "move-resident" ||
         command == "simulate-visitor" || (command == "import-residents" && options.count("sync"));
}

int runOpsCommand(const std::string& url, const std::vector<std::string>& positional,
                  const std::map<std::string, std::string>& options, std::istream& in) {
  usePasswordCredential();
  if (positional[0] != "backup" && positional[0] != "restore")
    return runPeopleCommand(url, positional, options, in);
  auto opt = [&](const std::string& k, const std::string& def) {
    auto it = options.find(k);
    return it == options.end() || it->second.empty() ? def : it->second;
  };
  if (positional[0] == "backup") {
    const auto dir = opt("dir", "");
    if (dir.empty()) throw std::invalid_argument("backup needs --dir DIR");
    int keep = 0;
    try {
      keep = std::stoi(opt("keep", "14"));
    } catch (const std::exception&) {
      throw std::invalid_argument("--keep needs a number");
    }
    const auto b = backupDatabase(url, dir, keep);
    std::cout << "backup " << b.dir << "\n  sha256 " << b.sha256 << "\n  migration "
              << b.latestMigration << ", " << b.rows.size() << " tables\n";
    for (const auto& r : b.removed) std::cout << "  removed old backup " << r << "\n";
    return 0;
  }
  if (positional.size() < 2) throw std::invalid_argument("restore needs a BACKUP_DIR");
  const auto r = restoreDatabase(url, positional[1]);
  int differ = 0;
  for (const auto& [table, n] : r.expected) {
    auto it = r.actual.find(table);
    const auto got = it == r.actual.end() ? -1 : it->second;
    if (got != n) {
      std::cerr << "rows differ in " << table << ": manifest " << n << ", restored " << got << "\n";
      ++differ;
    }
  }
  std::cout << "restored " << r.actual.size() << " tables from " << positional[1]
            << (differ ? "; row counts differ (see above)" : "; row counts match the manifest")
            << "\n";
  return differ ? 4 : 0;
}

}  // namespace gatehouse::backend
