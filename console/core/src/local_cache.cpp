// LocalCache on SQLite: one table of visitors on site (photos included) and when it was saved.
#include "gatehouse/console/local_cache.hpp"

#include <sqlite3.h>

#include "time_util.hpp"

namespace gatehouse::console {

struct LocalCache::Impl {
  sqlite3* db = nullptr;
  ~Impl() {
    if (db) sqlite3_close(db);
  }
  bool exec(const char* sql) {
    return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  std::string err() const { return sqlite3_errmsg(db); }
};

namespace {
std::string col(sqlite3_stmt* s, int i) {
  const auto* t = sqlite3_column_text(s, i);
  return t ? reinterpret_cast<const char*>(t) : "";
}
}  // namespace

Result<std::unique_ptr<LocalCache>> LocalCache::open(const std::string& path) {
  std::unique_ptr<LocalCache> c(new LocalCache());
  c->impl_ = std::make_unique<Impl>();
  if (sqlite3_open(path.c_str(), &c->impl_->db) != SQLITE_OK) {
    return makeError("cache_open", path + ": " + c->impl_->err());
  }
  if (!c->impl_->exec("PRAGMA journal_mode=WAL;"
                      "CREATE TABLE IF NOT EXISTS onsite (visit TEXT PRIMARY KEY, name TEXT, unit "
                      "TEXT, phone TEXT,"
                      " kiosk TEXT, entered REAL, expected REAL, photo BLOB, photo_type TEXT);"
                      "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);")) {
    return makeError("cache_schema", path + ": " + c->impl_->err());
  }
  return c;
}

LocalCache::~LocalCache() = default;

Status LocalCache::saveOnSite(const std::vector<OnSiteVisitor>& visitors, TimePoint at) {
  auto& d = *impl_;
  if (!d.exec("BEGIN IMMEDIATE; DELETE FROM onsite;")) return makeError("cache_write", d.err());
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(d.db, "INSERT INTO onsite VALUES (?,?,?,?,?,?,?,?,?)", -1, &st, nullptr);
  for (const auto& v : visitors) {
    const std::string id = v.visitId.toString();
    sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, v.visitorName.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, v.unitLabel.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, v.phone.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, v.kioskName.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 6, detail::toEpoch(v.enteredAt));
    if (v.expectedExitAt) {
      sqlite3_bind_double(st, 7, detail::toEpoch(*v.expectedExitAt));
    } else {
      sqlite3_bind_null(st, 7);
    }
    if (v.photo.empty()) {
      sqlite3_bind_null(st, 8);
    } else {
      sqlite3_bind_blob(st, 8, v.photo.data.data(), static_cast<int>(v.photo.data.size()),
                        SQLITE_TRANSIENT);
    }
    sqlite3_bind_text(st, 9, v.photo.contentType.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) {
      sqlite3_finalize(st);
      d.exec("ROLLBACK");
      return makeError("cache_write", d.err());
    }
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  sqlite3_prepare_v2(d.db, "INSERT OR REPLACE INTO meta VALUES ('onsite_saved_at', ?)", -1, &st,
                     nullptr);
  const std::string when = std::to_string(detail::toEpoch(at));
  sqlite3_bind_text(st, 1, when.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_step(st);
  sqlite3_finalize(st);
  if (!d.exec("COMMIT")) return makeError("cache_write", d.err());
  return Ok{};
}

std::optional<CachedOnSite> LocalCache::loadOnSite() {
  auto& d = *impl_;
  sqlite3_stmt* st = nullptr;
  CachedOnSite out;
  sqlite3_prepare_v2(d.db, "SELECT value FROM meta WHERE key = 'onsite_saved_at'", -1, &st,
                     nullptr);
  const bool have = sqlite3_step(st) == SQLITE_ROW;
  if (have) out.savedAt = detail::fromEpoch(std::stod(col(st, 0)));
  sqlite3_finalize(st);
  if (!have) return std::nullopt;
  sqlite3_prepare_v2(
      d.db,
      "SELECT visit, name, unit, phone, kiosk, entered, expected, photo, photo_type FROM onsite "
      "ORDER BY unit, name",
      -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW) {
    OnSiteVisitor v;
    if (auto id = Uuid::parse(col(st, 0))) v.visitId = *id;
    v.visitorName = col(st, 1);
    v.unitLabel = col(st, 2);
    v.phone = col(st, 3);
    v.kioskName = col(st, 4);
    v.enteredAt = detail::fromEpoch(sqlite3_column_double(st, 5));
    if (sqlite3_column_type(st, 6) != SQLITE_NULL)
      v.expectedExitAt = detail::fromEpoch(sqlite3_column_double(st, 6));
    if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
      const auto* b = static_cast<const std::uint8_t*>(sqlite3_column_blob(st, 7));
      v.photo.data.assign(b, b + sqlite3_column_bytes(st, 7));
      v.photo.contentType = col(st, 8);
    }
    out.visitors.push_back(std::move(v));
  }
  sqlite3_finalize(st);
  return out;
}

}  // namespace gatehouse::console
