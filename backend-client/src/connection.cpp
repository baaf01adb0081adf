// Connection: PQexecParams / prepared statements, bytea in binary, transactions, person context.
#include "gatehouse/backend/connection.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>
#include <unordered_set>

#include "pg_error.hpp"

namespace gatehouse::backend {

// ---- Rows -------------------------------------------------------------------------------
struct Rows::Impl {
  PGresult* res = nullptr;
  ~Impl() { PQclear(res); }
};

Rows::Rows() = default;
Rows::~Rows() = default;
Rows::Rows(Rows&&) noexcept = default;
Rows& Rows::operator=(Rows&&) noexcept = default;
Rows::Rows(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

std::size_t Rows::size() const {
  return impl_ ? static_cast<std::size_t>(PQntuples(impl_->res)) : 0;
}
std::size_t Rows::columns() const {
  return impl_ ? static_cast<std::size_t>(PQnfields(impl_->res)) : 0;
}
namespace {
int columnOf(const PGresult* res, std::string_view name) {
  std::string quoted;  // quoted so the name is matched case-sensitively, as SQL returned it
  quoted.reserve(name.size() + 2);
  quoted.push_back('"');
  quoted.append(name);
  quoted.push_back('"');
  return PQfnumber(res, quoted.c_str());
}
}  // namespace
int Rows::column(std::string_view name) const { return impl_ ? columnOf(impl_->res, name) : -1; }
Row Rows::operator[](std::size_t row) const {
  if (!impl_ || row >= size())
    throw Error(ErrorKind::Internal, "row " + std::to_string(row) + " out of range");
  return Row(impl_, row);
}
std::size_t Rows::affected() const {
  if (!impl_) return 0;
  const char* n = PQcmdTuples(impl_->res);
  return n && *n ? static_cast<std::size_t>(std::strtoull(n, nullptr, 10)) : 0;
}

// ---- Row --------------------------------------------------------------------------------
int Row::index(std::string_view col) const {
  const int i = columnOf(result_->res, col);
  if (i < 0) throw Error(ErrorKind::Internal, "no column " + std::string(col) + " in result");
  return i;
}
bool Row::isNull(int col) const {
  return PQgetisnull(result_->res, static_cast<int>(row_), col) != 0;
}
std::string Row::text(int col) const {
  const auto r = static_cast<int>(row_);
  return std::string(PQgetvalue(result_->res, r, col),
                     static_cast<std::size_t>(PQgetlength(result_->res, r, col)));
}
std::optional<std::string> Row::optText(std::string_view col) const {
  const int i = index(col);
  if (isNull(i)) return std::nullopt;
  return text(i);
}
std::int64_t Row::int64(std::string_view col) const {
  const int i = index(col);
  if (isNull(i)) throw Error(ErrorKind::Internal, "column " + std::string(col) + " is NULL");
  return std::strtoll(text(i).c_str(), nullptr, 10);
}
std::optional<std::int64_t> Row::optInt64(std::string_view col) const {
  const int i = index(col);
  if (isNull(i)) return std::nullopt;
  return std::strtoll(text(i).c_str(), nullptr, 10);
}
double Row::float64(std::string_view col) const {
  return std::strtod(text(index(col)).c_str(), nullptr);
}
bool Row::boolean(std::string_view col) const { return text(index(col)) == "t"; }
Uuid Row::uuid(std::string_view col) const {
  auto u = Uuid::parse(text(index(col)));
  if (!u) throw Error(ErrorKind::Internal, "column " + std::string(col) + " is not a uuid");
  return *u;
}
Bytes Row::bytes(std::string_view col) const {
  const int i = index(col);
  if (isNull(i)) return {};
  std::size_t len = 0;
  unsigned char* raw = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result_->res, static_cast<int>(row_), i)),
      &len);
  if (!raw) throw Error(ErrorKind::Internal, "bad bytea in " + std::string(col));
  Bytes out(raw, raw + len);
  PQfreemem(raw);
  return out;
}

// ---- Connection -------------------------------------------------------------------------
struct Connection::Impl {
  std::string url;
  PGconn* conn = nullptr;
  std::unordered_set<std::string> prepared;
  int depth = 0;  // transaction nesting (inner calls join the outer transaction)

  ~Impl() { PQfinish(conn); }

  void open() {
    PQfinish(conn);
    prepared.clear();
    conn = PQconnectdb(url.c_str());
    if (PQstatus(conn) != CONNECTION_OK) detail::throwConnection(conn, "connect");
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
  }

  struct Marshalled {
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
  };
  static Marshalled marshal(const Params& params) {
    Marshalled m;
    for (const auto& p : params) {
      const auto& v = p.value();
      if (const auto* s = std::get_if<std::string>(&v)) {
        if (s->find('\0') != std::string::npos)
          throw Error(ErrorKind::InvalidInput, "text contains a NUL byte", "22021", "nul_byte");
        m.values.push_back(s->c_str());
        m.lengths.push_back(static_cast<int>(s->size()));
        m.formats.push_back(0);
      } else if (const auto* b = std::get_if<Bytes>(&v)) {
        m.values.push_back(reinterpret_cast<const char*>(b->data()));
        m.lengths.push_back(static_cast<int>(b->size()));
        m.formats.push_back(1);
      } else {
        m.values.push_back(nullptr);
        m.lengths.push_back(0);
        m.formats.push_back(0);
      }
    }
    return m;
  }

  Rows check(PGresult* res) {
    const auto st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
      auto impl = std::make_shared<Rows::Impl>();
      impl->res = res;
      return Rows(std::move(impl));
    }
    struct Guard {
      PGresult* r;
      ~Guard() { PQclear(r); }
    } guard{res};
    detail::throwFromResult(conn, res);
  }
};

Connection::Connection(const std::string& url) : impl_(std::make_unique<Impl>()) {
  impl_->url = url;
  impl_->open();
}
Connection::~Connection() = default;
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;

Rows Connection::exec(std::string_view sql, const Params& params) {
  const std::string q(sql);
  auto m = Impl::marshal(params);
  return impl_->check(PQexecParams(impl_->conn, q.c_str(), static_cast<int>(params.size()), nullptr,
                                   m.values.data(), m.lengths.data(), m.formats.data(), 0));
}

Rows Connection::execPrepared(const std::string& name, std::string_view sql, const Params& params) {
  if (!impl_->prepared.count(name)) {
    const std::string q(sql);
    impl_->check(PQprepare(impl_->conn, name.c_str(), q.c_str(), 0, nullptr));
    impl_->prepared.insert(name);
  }
  auto m = Impl::marshal(params);
  return impl_->check(PQexecPrepared(impl_->conn, name.c_str(), static_cast<int>(params.size()),
                                     m.values.data(), m.lengths.data(), m.formats.data(), 0));
}

void Connection::execScript(std::string_view sql) {
  const std::string q(sql);
  impl_->check(PQexec(impl_->conn, q.c_str()));
}

void Connection::transaction(const std::function<void(Connection&)>& body) {
  if (impl_->depth > 0) {  // already inside one: join it
    body(*this);
    return;
  }
  execScript("BEGIN");
  impl_->depth = 1;
  try {
    body(*this);
    impl_->depth = 0;
    execScript("COMMIT");
  } catch (...) {
    impl_->depth = 0;
    if (PQstatus(impl_->conn) == CONNECTION_OK) PQclear(PQexec(impl_->conn, "ROLLBACK"));
    throw;
  }
}

void Connection::asPerson(std::int64_t personId, const std::function<void(Connection&)>& body) {
  transaction([&](Connection& c) {
    c.execPrepared("gh_set_person", "SELECT set_config('gatehouse.person_id', $1, true)",
                   {std::to_string(personId)});
    body(c);
  });
}

void Connection::ping() { exec("SELECT 1"); }

bool Connection::isOpen() const { return impl_->conn && PQstatus(impl_->conn) == CONNECTION_OK; }
void Connection::reconnect() { impl_->open(); }
int Connection::socket() const { return PQsocket(impl_->conn); }
const std::string& Connection::url() const { return impl_->url; }

std::string resolveDatabaseUrl(const std::string& explicitUrl, const std::string& fallback) {
  if (!explicitUrl.empty()) return explicitUrl;
  if (const char* env = std::getenv("GATEHOUSE_DATABASE_URL"); env && *env) return env;
  return fallback;
}

}  // namespace gatehouse::backend
