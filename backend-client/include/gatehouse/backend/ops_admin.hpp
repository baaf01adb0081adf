// Operator commands of gatehouse-admin that care for data: backup (pg_dump + manifest) and restore.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace gatehouse::backend {

// Rows per table (schema-qualified) in schemas gh and gh_meta.
using RowCounts = std::map<std::string, std::int64_t>;

struct BackupInfo {
  std::string dir;       // <backups>/gatehouse-<UTC timestamp>
  std::string dumpFile;  // dir/database.dump (pg_dump custom format)
  std::string sha256;
  std::string latestMigration;
  RowCounts rows;
  std::vector<std::string> removed;  // older backups deleted by rotation
};

// pg_dump -Fc of `url` into a new folder under `backupsDir` with manifest.json (checksum, row
// counts, schema version); written to a hidden folder and renamed, so a failed run leaves no
// half backup. Then keeps the newest `keep` backups (0 = keep all). Throws Error on failure.
BackupInfo backupDatabase(const std::string& url, const std::string& backupsDir, int keep);

struct RestoreInfo {
  RowCounts expected;  // from the manifest
  RowCounts actual;    // counted after the restore
};

// Restores `backupDir` (a folder made by backupDatabase) into the database at `url`, which must
// be empty (no gh schema). Refuses a dump whose checksum does not match its manifest. The
// restore is one transaction (pg_restore --single-transaction): it lands whole or not at all.
// Throws Error(Conflict) when the target is not empty, Error(InvalidInput) for a bad backup.
RestoreInfo restoreDatabase(const std::string& url, const std::string& backupDir);

RowCounts countRows(const std::string& url);

// gatehouse-admin glue: true when `command` (with these options) is one of ours; runOpsCommand
// returns the exit code and reads passwords and PINs from `in`.
bool isOpsCommand(const std::string& command, const std::map<std::string, std::string>& options);
int runOpsCommand(const std::string& url, const std::vector<std::string>& positional,
                  const std::map<std::string, std::string>& options, std::istream& in);
extern const char* const kOpsUsage;
// Options that take no value (--sync, --dry-run, --pin, --totp).
bool isOpsFlag(const std::string& option);

}  // namespace gatehouse::backend
