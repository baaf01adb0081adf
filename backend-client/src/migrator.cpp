// Applies embedded migrations in order; each with its record in one transaction, under an
// advisory lock so two processes migrating at once do not collide.
#include "gatehouse/backend/migrator.hpp"

#include <map>

namespace gatehouse::backend {

Migrator::Migrator(Connection& conn, std::vector<Migration> migrations)
    : conn_(conn), migrations_(std::move(migrations)) {}

void Migrator::ensureTable() {
  // Under the same lock as the migrations: IF NOT EXISTS alone still races (two runs on a new
  // database both try to create the schema and one fails on a duplicate key).
  conn_.transaction([](Connection& c) {
    c.exec("SELECT pg_advisory_xact_lock(7355608)");
    c.execScript(
        "CREATE SCHEMA IF NOT EXISTS gh_meta;"
        "CREATE TABLE IF NOT EXISTS gh_meta.schema_migrations ("
        "  version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
        "  applied_at timestamptz NOT NULL DEFAULT now())");
  });
}

std::vector<MigrationState> Migrator::status() {
  std::map<int, std::pair<std::string, std::string>> applied;
  auto exists = conn_.exec("SELECT to_regclass('gh_meta.schema_migrations') IS NOT NULL AS e");
  if (exists[0].boolean("e")) {
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

bool Migrator::upToDate() {
  for (const auto& s : status())
    if (!s.applied || s.checksumMismatch) return false;
  return true;
}

int Migrator::migrate() {
  ensureTable();
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
      c.exec("SELECT pg_advisory_xact_lock(7355608)");
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

}  // namespace gatehouse::backend
