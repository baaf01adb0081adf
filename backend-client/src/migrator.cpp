// Applies embedded migrations, then the repeatable function files that changed; each with its
// record in one transaction, the whole run under an advisory lock so two processes migrating
// at once do not collide.
#include "gatehouse/backend/migrator.hpp"

#include <map>

namespace gatehouse::backend {
namespace {

constexpr const char* kLock = "7355608";

// Holds the migration lock for a whole run (session level; the per-file transactions take the
// same lock again, which a session holding it always gets).
class RunLock {
 public:
  explicit RunLock(Connection& c) : c_(c) {
    c_.exec(std::string("SELECT pg_advisory_lock(") + kLock + ")");
  }
  ~RunLock() {
    try {
      c_.exec(std::string("SELECT pg_advisory_unlock(") + kLock + ")");
    } catch (...) {  // the connection is gone; so is its lock
    }
  }
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  Connection& c_;
};

void takeLock(Connection& c) { c.exec(std::string("SELECT pg_advisory_xact_lock(") + kLock + ")"); }

bool tableExists(Connection& c, const char* name) {
  return c.exec("SELECT to_regclass($1) IS NOT NULL AS e", {std::string(name)})[0].boolean("e");
}

}  // namespace

Migrator::Migrator(Connection& conn, std::vector<Migration> migrations,
                   std::vector<Repeatable> repeatables)
    : conn_(conn), migrations_(std::move(migrations)), repeatables_(std::move(repeatables)) {}

void Migrator::ensureTables() {
  // Under the same lock as the migrations: IF NOT EXISTS alone still races (two runs on a new
  // database both try to create the schema and one fails on a duplicate key).
  conn_.transaction([](Connection& c) {
    takeLock(c);
    c.execScript(
        "CREATE SCHEMA IF NOT EXISTS gh_meta;"
        "CREATE TABLE IF NOT EXISTS gh_meta.schema_migrations ("
        "  version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
        "  applied_at timestamptz NOT NULL DEFAULT now());"
        "CREATE TABLE IF NOT EXISTS gh_meta.repeatable_files ("
        "  name text PRIMARY KEY, checksum text NOT NULL,"
        "  applied_at timestamptz NOT NULL DEFAULT now())");
  });
}

std::vector<MigrationState> Migrator::status() {
  std::map<int, std::pair<std::string, std::string>> applied;
  if (tableExists(conn_, "gh_meta.schema_migrations")) {
    auto rows = conn_.exec(
        "SELECT version, checksum, applied_at::text AS at FROM gh_meta.schema_migrations");
    for (std::size_t i = 0; i < rows.size(); ++i)
      applied[static_cast<int>(rows[i].int64("version"))] = {rows[i].text("checksum"),
                                                             rows[i].text("at")};
  }
  std::vector<MigrationState> out;
  for (const auto& m : migrations_) {
    MigrationState s{m, false, {}, false};
    if (auto it = applied.find(m.version); it != applied.end()) {
      s.applied = true;
      s.appliedAt = it->second.second;
      s.checksumMismatch = it->second.first != m.checksum;
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<RepeatableState> Migrator::repeatableStatus() {
  std::map<std::string, std::pair<std::string, std::string>> applied;
  if (tableExists(conn_, "gh_meta.repeatable_files")) {
    auto rows =
        conn_.exec("SELECT name, checksum, applied_at::text AS at FROM gh_meta.repeatable_files");
    for (std::size_t i = 0; i < rows.size(); ++i)
      applied[rows[i].text("name")] = {rows[i].text("checksum"), rows[i].text("at")};
  }
  std::vector<RepeatableState> out;
  for (const auto& r : repeatables_) {
    RepeatableState s{r, false, {}, false};
    if (auto it = applied.find(r.name); it != applied.end()) {
      s.applied = true;
      s.appliedAt = it->second.second;
      s.changed = it->second.first != r.checksum;
    }
    out.push_back(std::move(s));
  }
  return out;
}

bool Migrator::upToDate() {
  for (const auto& s : status())
    if (!s.applied || s.checksumMismatch) return false;
  for (const auto& s : repeatableStatus())
    if (s.pending()) return false;
  return true;
}

MigrateRun Migrator::run() {
  RunLock lock(conn_);
  ensureTables();
  MigrateRun out;
  out.migrations = applyMigrations();
  out.repeatables = applyRepeatables(out.migrations > 0);
  return out;
}

int Migrator::applyMigrations() {
  for (const auto& s : status()) {
    if (s.checksumMismatch)
      throw Error(ErrorKind::Conflict,
                  "migration " + s.migration.name +
                      " was edited after it was applied; "
                      "add a new migration instead",
                  "", "checksum_mismatch");
  }
  int ran = 0;
  for (const auto& m : migrations_) {
    conn_.transaction([&](Connection& c) {
      takeLock(c);
      if (!c.exec("SELECT 1 FROM gh_meta.schema_migrations WHERE version = $1", {m.version})
               .empty())
        return;  // applied already, perhaps by another process meanwhile
      try {
        c.execScript(m.sql);
      } catch (const Error& e) {
        throw Error(e.kind(), m.name + ": " + e.what(), e.sqlstate(), e.detail());
      }
      c.exec("INSERT INTO gh_meta.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
             {m.version, m.name, m.checksum});
      ++ran;
    });
  }
  return ran;
}

std::vector<std::string> Migrator::applyRepeatables(bool all) {
  std::vector<std::string> ran;
  for (const auto& s : repeatableStatus()) {
    if (!all && !s.pending()) continue;
    const auto& r = s.file;
    conn_.transaction([&](Connection& c) {
      takeLock(c);
      try {
        c.execScript(r.sql);
      } catch (const Error& e) {
        throw Error(e.kind(), "functions/" + r.name + ": " + e.what(), e.sqlstate(), e.detail());
      }
      c.exec(
          "INSERT INTO gh_meta.repeatable_files (name, checksum) VALUES ($1, $2) "
          "ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()",
          {r.name, r.checksum});
    });
    ran.push_back(r.name);
  }
  return ran;
}

}  // namespace gatehouse::backend
