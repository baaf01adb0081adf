// SQLite-backed outbox, cache and visit registry for the kiosk (see outbox.hpp for the guarantees).
#include "gatehouse/kiosk/outbox.hpp"

#include <sqlite3.h>

#include <chrono>

namespace gatehouse::kiosk {
namespace {

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) {
    ok_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) == SQLITE_OK;
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return ok_; }
  Stmt& text(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& blob(int i, const std::vector<std::uint8_t>& v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& integer(int i, std::int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  int step() { return sqlite3_step(s_); }
  std::string col(int i) {
    const auto* p = sqlite3_column_text(s_, i);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(s_, i)))
             : "";
  }
  std::int64_t colInt(int i) { return sqlite3_column_int64(s_, i); }
  std::vector<std::uint8_t> colBlob(int i) {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s_, i));
    return p ? std::vector<std::uint8_t>(p, p + sqlite3_column_bytes(s_, i))
             : std::vector<std::uint8_t>{};
  }

 private:
  sqlite3_stmt* s_ = nullptr;
  bool ok_ = false;
};

std::int64_t nowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error sqlError(sqlite3* db, const std::string& what) {
  return makeError("outbox", what + ": " + sqlite3_errmsg(db));
}

OutboxEvent readEvent(Stmt& s) {
  OutboxEvent e;
  e.seq = s.colInt(0);
  e.id = Uuid::parse(s.col(1)).value_or(Uuid{});
  e.visit = Uuid::parse(s.col(2)).value_or(Uuid{});
  e.kind = s.col(3);
  e.payload = s.col(4);
  e.blob = s.colBlob(5);
  e.createdAt = s.colInt(6);
  e.attempts = static_cast<int>(s.colInt(7));
  return e;
}

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  visit TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  blob BLOB,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'refused')),
  result TEXT,
  done_at INTEGER,
  retry_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(state, seq);
CREATE INDEX IF NOT EXISTS outbox_visit ON outbox(visit);
CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS local_visit (
  visit TEXT PRIMARY KEY, mode TEXT NOT NULL, started_at INTEGER NOT NULL,
  outcome TEXT, ended_at INTEGER);
)SQL";

}  // namespace

Result<std::unique_ptr<Outbox>> Outbox::open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    Error e = makeError("outbox", path + ": " + (db ? sqlite3_errmsg(db) : "cannot open"));
    sqlite3_close(db);
    return e;
  }
  std::unique_ptr<Outbox> box(new Outbox(db));
  sqlite3_busy_timeout(db, 5000);
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (auto s = box->exec(pragma); !s) return s.error();
  }
  if (auto s = box->exec(kSchema); !s) return s.error();
  // Outboxes written before deferred retries existed lack the column; adding it twice fails.
  (void)box->exec("ALTER TABLE outbox ADD COLUMN retry_at INTEGER NOT NULL DEFAULT 0");
  return box;
}

Outbox::~Outbox() { sqlite3_close(db_); }

Status Outbox::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "?";
    sqlite3_free(err);
    return makeError("outbox", msg);
  }
  return Ok{};
}

Status Outbox::add(const std::vector<OutboxEvent>& events) {
  std::lock_guard lock(mutex_);
  if (auto s = exec("BEGIN IMMEDIATE"); !s) return s;
  for (const auto& e : events) {
    Stmt st(db_,
            "INSERT OR IGNORE INTO outbox (id, visit, kind, payload, blob, created_at) VALUES "
            "(?,?,?,?,?,?)");
    st.text(1, e.id.toString())
        .text(2, e.visit.toString())
        .text(3, e.kind)
        .text(4, e.payload)
        .blob(5, e.blob);
    st.integer(6, e.createdAt ? e.createdAt : nowUnix());
    if (!st.ok() || st.step() != SQLITE_DONE) {
      Error err = sqlError(db_, "add " + e.kind);
      (void)exec("ROLLBACK");
      return err;
    }
  }
  return exec("COMMIT");
}

std::vector<OutboxEvent> Outbox::pending(int limit) {
  std::lock_guard lock(mutex_);
  Stmt s(db_,
         "SELECT seq, id, visit, kind, payload, blob, created_at, attempts FROM outbox "
         "WHERE state = 'pending' AND retry_at <= ? ORDER BY seq LIMIT ?");
  s.integer(1, nowUnix()).integer(2, limit);
  std::vector<OutboxEvent> out;
  while (s.step() == SQLITE_ROW) out.push_back(readEvent(s));
  return out;
}

std::vector<OutboxEvent> Outbox::history(const Uuid& visit) {
  std::lock_guard lock(mutex_);
  Stmt s(db_,
         "SELECT seq, id, visit, kind, payload, blob, created_at, attempts FROM outbox WHERE visit "
         "= ? ORDER BY seq");
  s.text(1, visit.toString());
  std::vector<OutboxEvent> out;
  while (s.step() == SQLITE_ROW) out.push_back(readEvent(s));
  return out;
}

std::int64_t Outbox::depth() {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT count(*) FROM outbox WHERE state = 'pending'");
  return s.step() == SQLITE_ROW ? s.colInt(0) : -1;
}

Status Outbox::markSent(const Uuid& id, const std::string& result) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "UPDATE outbox SET state = 'sent', result = ?, done_at = ? WHERE id = ?");
  s.text(1, result).integer(2, nowUnix()).text(3, id.toString());
  if (s.step() != SQLITE_DONE) return sqlError(db_, "markSent");
  return Ok{};
}

Status Outbox::markRefused(const Uuid& id, const std::string& reason) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "UPDATE outbox SET state = 'refused', result = ?, done_at = ? WHERE id = ?");
  s.text(1, reason).integer(2, nowUnix()).text(3, id.toString());
  if (s.step() != SQLITE_DONE) return sqlError(db_, "markRefused");
  return Ok{};
}

Status Outbox::noteAttempt(const Uuid& id, const std::string& error) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?");
  s.text(1, error).text(2, id.toString());
  if (s.step() != SQLITE_DONE) return sqlError(db_, "noteAttempt");
  return Ok{};
}

Status Outbox::defer(const Uuid& id, std::int64_t retryAt, const std::string& note) {
  std::lock_guard lock(mutex_);
  Stmt s(db_,
         "UPDATE outbox SET attempts = attempts + 1, last_error = ?, retry_at = ? WHERE id = ?");
  s.text(1, note).integer(2, retryAt).text(3, id.toString());
  if (s.step() != SQLITE_DONE) return sqlError(db_, "defer");
  return Ok{};
}

Status Outbox::put(const std::string& key, const std::string& value) {
  std::lock_guard lock(mutex_);
  Stmt s(db_,
         "INSERT INTO cache (key, value, updated_at) VALUES (?,?,?) "
         "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
  s.text(1, key).text(2, value).integer(3, nowUnix());
  if (s.step() != SQLITE_DONE) return sqlError(db_, "put");
  return Ok{};
}

std::optional<std::string> Outbox::get(const std::string& key) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT value FROM cache WHERE key = ?");
  s.text(1, key);
  if (s.step() == SQLITE_ROW) return s.col(0);
  return std::nullopt;
}

Status Outbox::beginVisit(const Uuid& visit, const std::string& mode) {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "INSERT OR IGNORE INTO local_visit (visit, mode, started_at) VALUES (?,?,?)");
  s.text(1, visit.toString()).text(2, mode).integer(3, nowUnix());
  if (s.step() != SQLITE_DONE) return sqlError(db_, "beginVisit");
  return Ok{};
}

Status Outbox::endVisit(const Uuid& visit, const std::string& outcome) {
  std::lock_guard lock(mutex_);
  Stmt s(db_,
         "UPDATE local_visit SET outcome = ?, ended_at = ? WHERE visit = ? AND outcome IS NULL");
  s.text(1, outcome).integer(2, nowUnix()).text(3, visit.toString());
  if (s.step() != SQLITE_DONE) return sqlError(db_, "endVisit");
  return Ok{};
}

std::vector<Uuid> Outbox::unfinishedVisits() {
  std::lock_guard lock(mutex_);
  Stmt s(db_, "SELECT visit FROM local_visit WHERE outcome IS NULL ORDER BY started_at");
  std::vector<Uuid> out;
  while (s.step() == SQLITE_ROW) {
    if (auto u = Uuid::parse(s.col(0))) out.push_back(*u);
  }
  return out;
}

}  // namespace gatehouse::kiosk
