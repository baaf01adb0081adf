// SQLSTATE → ErrorKind. Our functions raise GH4xx codes; PostgreSQL's own classes map too.
#include "gatehouse/backend/error.hpp"

#include "pg_error.hpp"

namespace gatehouse::backend {

const char* toString(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::ConnectionLost:
      return "connection_lost";
    case ErrorKind::Conflict:
      return "conflict";
    case ErrorKind::NotFound:
      return "not_found";
    case ErrorKind::Forbidden:
      return "forbidden";
    case ErrorKind::InvalidInput:
      return "invalid_input";
    case ErrorKind::Internal:
      return "internal";
  }
  return "internal";
}

namespace detail {

ErrorKind kindForSqlstate(const std::string& s) {
  if (s == "GH409" || s == "23505" || s == "40001" || s == "40P01" || s == "55P03")
    return ErrorKind::Conflict;
  if (s == "GH404" || s == "02000" || s == "P0002") return ErrorKind::NotFound;
  if (s == "GH403" || s == "42501" || s == "28000" || s == "28P01") return ErrorKind::Forbidden;
  if (s == "GH422" || s.rfind("22", 0) == 0 || s.rfind("23", 0) == 0)
    return ErrorKind::InvalidInput;
  if (s.rfind("08", 0) == 0 || s == "57P01" || s == "57P02" || s == "57P03")
    return ErrorKind::ConnectionLost;
  return ErrorKind::Internal;
}

void throwFromResult(PGconn* conn, const PGresult* res) {
  if (PQstatus(conn) != CONNECTION_OK) throwConnection(conn, "query");
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : nullptr;
  const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = primary ? primary : PQerrorMessage(conn);
  const std::string sqlstate = state ? state : "";
  // The server gives every error a SQLSTATE; none means libpq lost the server mid-query ("server
  // closed the connection unexpectedly"), which a caller must retry, not treat as a bug.
  if (sqlstate.empty()) throwConnection(conn, "query");
  throw Error(kindForSqlstate(sqlstate), message, sqlstate, detail ? detail : "");
}

void throwConnection(PGconn* conn, const std::string& what) {
  std::string msg = conn ? PQerrorMessage(conn) : "out of memory";
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  throw Error(ErrorKind::ConnectionLost, "database " + what + ": " + msg, "08000");
}

}  // namespace detail
}  // namespace gatehouse::backend
