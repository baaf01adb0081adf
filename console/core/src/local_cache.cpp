// LocalCache on SQLite: one table of sealed blobs (salt, a check value, the on-site list).
#include "gatehouse/console/local_cache.hpp"

#include <sqlite3.h>

#include <filesystem>

#include "cache_codec.hpp"
#include "gatehouse/console/cache_key.hpp"

namespace gatehouse::console {

namespace {
const Bytes kCheck = {'g', 'h', '-', 'c', 'a', 'c', 'h', 'e', '-', 'v', '2'};
}

struct LocalCache::Impl {
  sqlite3* db = nullptr;
  std::optional<CacheKey> key;
  ~Impl() {
    if (db) sqlite3_close(db);
  }
  bool exec(const char* sql) {
    return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  std::string err() const { return sqlite3_errmsg(db); }

  bool hasTable(const char* name) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &st,
                       nullptr);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    const bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
  }
  std::optional<Bytes> get(const char* name) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT value FROM sealed WHERE name = ?", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    std::optional<Bytes> out;
    if (sqlite3_step(st) == SQLITE_ROW) {
      const auto* b = static_cast<const std::uint8_t*>(sqlite3_column_blob(st, 0));
      out = Bytes(b, b + sqlite3_column_bytes(st, 0));
    }
    sqlite3_finalize(st);
    return out;
  }
  bool put(const char* name, const Bytes& value) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO sealed VALUES (?, ?)", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    const bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok;
  }
  static Result<std::unique_ptr<Impl>> openDb(const std::string& path) {
    auto d = std::make_unique<Impl>();
    if (sqlite3_open(path.c_str(), &d->db) != SQLITE_OK) {
      return makeError("cache_open", path + ": " + d->err());
    }
    return d;
  }
  static bool isPlain(const std::string& path) {
    if (!std::filesystem::exists(path)) return false;
    auto d = openDb(path);
    return d && d.value()->hasTable("onsite");
  }
  // A new salt and key for this password; every sealed row of the previous key is dropped.
  Status restart(std::string_view password) {
    const Bytes salt = CacheKey::newSalt();
    auto k = CacheKey::derive(password, salt);
    if (!k) return k.error();
    key.emplace(std::move(k).value());
    if (!exec("BEGIN IMMEDIATE; DELETE FROM sealed;") || !put("salt", salt) ||
        !put("check", key->seal(kCheck)) || !exec("COMMIT")) {
      exec("ROLLBACK");
      return makeError("cache_write", err());
    }
    return Ok{};
  }
};

namespace {
void removeFiles(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    std::filesystem::remove(path + suffix, ec);
}

}  // namespace

Result<std::unique_ptr<LocalCache>> LocalCache::open(const std::string& path,
                                                     std::string_view password, CacheUnlock mode) {
  if (password.empty()) return makeError("cache_password", "a password is needed for the cache");
  if (Impl::isPlain(path)) removeFiles(path);  // rows from older code: no personal data left behind
  if (mode == CacheUnlock::ReadOnly && !std::filesystem::exists(path))
    return makeError("cache_missing", "no on-site list is saved on this console");
  auto d = Impl::openDb(path);
  if (!d) return d.error();
  std::unique_ptr<LocalCache> c(new LocalCache());
  c->impl_ = std::move(d).value();
  auto& db = *c->impl_;
  if (!db.exec("PRAGMA secure_delete=ON; PRAGMA journal_mode=WAL;"
               "CREATE TABLE IF NOT EXISTS sealed (name TEXT PRIMARY KEY, value BLOB);")) {
    return makeError("cache_schema", path + ": " + db.err());
  }
  const auto salt = db.get("salt");
  const auto check = db.get("check");
  if (salt && check) {
    auto k = CacheKey::derive(password, *salt);
    if (!k) return k.error();
    if (auto v = k.value().open(*check); v && *v == kCheck) {
      db.key.emplace(std::move(k).value());
      return c;
    }
    if (mode != CacheUnlock::Reset)
      return makeError("cache_password", "the password does not open this console's cache");
  } else if (mode == CacheUnlock::ReadOnly) {
    return makeError("cache_missing", "no on-site list is saved on this console");
  }
  if (auto s = db.restart(password); !s) return s.error();
  return c;
}

LocalCache::~LocalCache() = default;

Status LocalCache::saveOnSite(const std::vector<OnSiteVisitor>& visitors, TimePoint at) {
  auto& d = *impl_;
  if (!d.put("onsite", d.key->seal(encodeOnSite({visitors, at}))))
    return makeError("cache_write", d.err());
  return Ok{};
}

std::optional<CachedOnSite> LocalCache::loadOnSite() {
  auto& d = *impl_;
  const auto sealed = d.get("onsite");
  if (!sealed) return std::nullopt;
  auto plain = d.key->open(*sealed);
  if (!plain) return std::nullopt;
  return decodeOnSite(*plain);
}

}  // namespace gatehouse::console
