// Versioned SQL migrations and repeatable function files, embedded in the binary, applied in
// order in transactions under one advisory lock.
#pragma once
#include <string>
#include <vector>

#include "gatehouse/backend/connection.hpp"

namespace gatehouse::backend {

struct Migration {
  int version = 0;
  std::string name;  // file name, e.g. 0003_lifecycle.sql
  std::string sql;
  std::string checksum;  // sha256 hex of `sql`
};

// A repeatable file of function definitions (sql/functions/NN_area.sql): applied after the
// migrations, in `order`, whenever its checksum differs from the one recorded.
struct Repeatable {
  int order = 0;     // the file's numeric prefix
  std::string name;  // file name, e.g. 20_lifecycle.sql
  std::string sql;
  std::string checksum;  // sha256 hex of `sql`
};

struct MigrationState {
  Migration migration;
  bool applied = false;
  std::string appliedAt;
  bool checksumMismatch = false;  // applied file was edited afterwards: refuse to go on
};

struct RepeatableState {
  Repeatable file;
  bool applied = false;  // some version of it was applied
  std::string appliedAt;
  bool changed = false;  // the recorded checksum differs from this build's file
  bool pending() const { return !applied || changed; }
};

// What one run applied.
struct MigrateRun {
  int migrations = 0;
  std::vector<std::string> repeatables;  // file names, in the order applied
};

// The migrations and repeatable files compiled into this build, ordered.
const std::vector<Migration>& embeddedMigrations();
const std::vector<Repeatable>& embeddedRepeatables();

class Migrator {
 public:
  explicit Migrator(Connection& conn, std::vector<Migration> migrations = embeddedMigrations(),
                    std::vector<Repeatable> repeatables = embeddedRepeatables());
  std::vector<MigrationState> status();
  std::vector<RepeatableState> repeatableStatus();
  // Under one advisory lock: applies pending migrations (each in its own transaction with its
  // record), then every repeatable file whose checksum changed (each in its own transaction),
  // or every repeatable file when a migration ran (it may have dropped a function to change
  // its signature). Throws Error(Conflict) if an applied migration's checksum differs.
  MigrateRun run();
  int migrate() { return run().migrations; }  // how many migrations ran
  bool upToDate();

 private:
  void ensureTables();
  int applyMigrations();
  std::vector<std::string> applyRepeatables(bool all);
  Connection& conn_;
  std::vector<Migration> migrations_;
  std::vector<Repeatable> repeatables_;
};

}  // namespace gatehouse::backend
