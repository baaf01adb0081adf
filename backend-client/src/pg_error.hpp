// Maps libpq failures onto our ErrorKind (private to the backend).
#pragma once
#include <libpq-fe.h>

#include "gatehouse/backend/error.hpp"

namespace gatehouse::backend::detail {

[[noreturn]] void throwFromResult(PGconn* conn, const PGresult* res);
[[noreturn]] void throwConnection(PGconn* conn, const std::string& what);
ErrorKind kindForSqlstate(const std::string& sqlstate);

}  // namespace gatehouse::backend::detail
