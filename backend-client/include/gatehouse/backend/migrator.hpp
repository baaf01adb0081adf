// Versioned SQL migrations, embedded in the binary, applied in order in transactions.
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

struct MigrationState {
  Migration migration;
  bool applied = false;
  std::string appliedAt;
  bool checksumMismatch = false;  // applied file was edited afterwards: refuse to go on
};

// The migrations compiled into this build, ordered by version.
const std::vector<Migration>& embeddedMigrations();

class Migrator {
 public:
  explicit Migrator(Connection& conn, std::vector<Migration> migrations = embeddedMigrations());
  std::vector<MigrationState> status();
  // Applies pending migrations, each in its own transaction together with its record.
  // Throws Error(Conflict) if an applied migration's checksum differs. Returns how many ran.
  int migrate();
  bool upToDate();

 private:
  void ensureTable();
  Connection& conn_;
  std::vector<Migration> migrations_;
};

}  // namespace gatehouse::backend
