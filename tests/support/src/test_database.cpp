// Creates and drops per-test databases in the fixture cluster using plain libpq.
#include "gatehouse/testing/test_database.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <random>
#include <stdexcept>

namespace gatehouse::testing {
namespace {

std::string runOn(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("connect " + url + ": " + msg);
  }
  PGresult* r = PQexec(c, sql.c_str());
  const auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string msg = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    throw std::runtime_error(sql.substr(0, 200) + ": " + msg);
  }
  std::string out;
  if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0) out = PQgetvalue(r, 0, 0);
  PQclear(r);
  PQfinish(c);
  return out;
}

}  // namespace

std::string testClusterDir() {
  const char* dir = std::getenv("GATEHOUSE_TEST_PG_DIR");
  if (dir && *dir) return dir;
  const char* bin = std::getenv("GATEHOUSE_BINARY_DIR");
  if (bin && *bin) return std::string(bin) + "/test-pg";
  throw std::runtime_error(
      "GATEHOUSE_TEST_PG_DIR not set: run this test through ctest (fixture `pg`)");
}

std::string clusterUrl(const std::string& dir, const std::string& database) {
  return "postgresql://postgres@/" + database + "?host=" + dir + "&port=54329";
}

TestDatabase::TestDatabase() : dir_(testClusterDir()) {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  name_ = "gh_test_" + std::to_string(gen() % 1000000000000ULL);
  runOn(clusterUrl(dir_, "postgres"), "CREATE DATABASE " + name_ + " TEMPLATE gatehouse_template");
  url_ = clusterUrl(dir_, name_);
}

TestDatabase::~TestDatabase() {
  try {
    runOn(clusterUrl(dir_, "postgres"), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {  // a failed drop must not mask the test's own result
  }
}

std::string TestDatabase::urlAs(const std::string& role) const {
  return "postgresql://" + role + "@/" + name_ + "?host=" + dir_ + "&port=54329&passfile=" + dir_ +
         "/pgpass";
}

std::string TestDatabase::exec(const std::string& sql) const { return runOn(url_, sql); }

}  // namespace gatehouse::testing
