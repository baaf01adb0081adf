// A PostgreSQL connection with parameterised queries only. libpq stays inside the .cpp.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gatehouse/backend/error.hpp"
#include "gatehouse/core/uuid.hpp"

namespace gatehouse::backend {

using Bytes = std::vector<std::uint8_t>;

// One query parameter: NULL, text (sent as text, cast by the server) or bytes (sent binary).
class Param {
 public:
  Param() = default;                                        // NULL
  Param(std::nullptr_t) {}                                  // NOLINT(google-explicit-constructor)
  Param(std::string v) : v_(std::move(v)) {}                // NOLINT
  Param(std::string_view v) : v_(std::string(v)) {}         // NOLINT
  Param(const char* v) : v_(std::string(v)) {}              // NOLINT
  Param(std::int64_t v) : v_(std::to_string(v)) {}          // NOLINT
  Param(int v) : v_(std::to_string(v)) {}                   // NOLINT
  Param(bool v) : v_(std::string(v ? "true" : "false")) {}  // NOLINT
  Param(double v) : v_(std::to_string(v)) {}                // NOLINT
  Param(const Uuid& v) : v_(v.toString()) {}                // NOLINT
  Param(Bytes v) : v_(std::move(v)) {}                      // NOLINT
  template <typename T>
  Param(const std::optional<T>& v) {  // NOLINT
    if (v) *this = Param(*v);
  }
  bool isNull() const { return std::holds_alternative<std::monostate>(v_); }
  const std::variant<std::monostate, std::string, Bytes>& value() const { return v_; }

 private:
  std::variant<std::monostate, std::string, Bytes> v_;
};
using Params = std::vector<Param>;

class Row;

// A query result: rows of text values (bytea decoded on request).
class Rows {
 public:
  Rows();
  ~Rows();
  Rows(Rows&&) noexcept;
  Rows& operator=(Rows&&) noexcept;
  std::size_t size() const;
  bool empty() const { return size() == 0; }
  std::size_t columns() const;
  int column(std::string_view name) const;  // -1 if absent
  Row operator[](std::size_t row) const;
  std::size_t affected() const;  // rows changed by INSERT/UPDATE/DELETE

  struct Impl;
  explicit Rows(std::shared_ptr<const Impl> impl);

 private:
  std::shared_ptr<const Impl> impl_;
  friend class Row;
};

// One row; it shares ownership of the result, so it stays valid after the Rows is gone.
class Row {
 public:
  Row(std::shared_ptr<const Rows::Impl> result, std::size_t row)
      : result_(std::move(result)), row_(row) {}
  bool isNull(int col) const;
  bool isNull(std::string_view col) const { return isNull(index(col)); }
  std::string text(int col) const;  // "" for NULL
  std::string text(std::string_view col) const { return text(index(col)); }
  std::optional<std::string> optText(std::string_view col) const;
  std::int64_t int64(std::string_view col) const;
  std::optional<std::int64_t> optInt64(std::string_view col) const;
  double float64(std::string_view col) const;
  bool boolean(std::string_view col) const;
  Uuid uuid(std::string_view col) const;
  Bytes bytes(std::string_view col) const;  // bytea

 private:
  int index(std::string_view col) const;
  std::shared_ptr<const Rows::Impl> result_;
  std::size_t row_;
};

class Connection {
 public:
  // `url`: a libpq URL or key=value conninfo. Throws Error(ConnectionLost) if unreachable.
  explicit Connection(const std::string& url);
  ~Connection();
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;

  // Runs one parameterised statement ($1, $2 ...). Values are never spliced into SQL.
  Rows exec(std::string_view sql, const Params& params = {});
  // Same, but prepared once per connection under `name` and reused.
  Rows execPrepared(const std::string& name, std::string_view sql, const Params& params = {});
  // Several statements without parameters (migrations, DDL only).
  void execScript(std::string_view sql);

  // Runs `body` in a transaction; commits if it returns, rolls back if it throws.
  void transaction(const std::function<void(Connection&)>& body);
  // Runs `body` in a transaction acting as `personId` (row-level security applies to them).
  void asPerson(std::int64_t personId, const std::function<void(Connection&)>& body);

  // A round trip to the server (health checks); throws Error(ConnectionLost) when it is gone.
  void ping();
  bool isOpen() const;
  // Drops and re-establishes the connection (prepared statements are re-prepared on use).
  void reconnect();
  // The libpq socket, for callers that poll.
  int socket() const;
  const std::string& url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Resolves the database URL: explicit value, else GATEHOUSE_DATABASE_URL, else `fallback`.
std::string resolveDatabaseUrl(const std::string& explicitUrl, const std::string& fallback = {});

}  // namespace gatehouse::backend
