// A fresh database cloned from the migrated template of the ctest `pg` fixture, dropped afterwards.
#pragma once
#include <string>

namespace gatehouse::testing {

// Directory of the throwaway cluster started by the `pg` fixture (GATEHOUSE_TEST_PG_DIR).
std::string testClusterDir();
// Superuser URL for a database of the fixture cluster (peer authentication: no password).
std::string clusterUrl(const std::string& dir, const std::string& database);

class TestDatabase {
 public:
  TestDatabase();  // creates gh_test_<random> from gatehouse_template
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  // Superuser URL (owner of everything; bypasses RLS). Tests use it for setup and checks.
  const std::string& url() const { return url_; }
  // URL that logs in as another role of the cluster, e.g. "gatehouse_server" for the server or
  // "gatehouse_kiosk", with its password from the cluster's pgpass file (passfile=).
  std::string urlAs(const std::string& role) const;
  // Runs SQL as the superuser; throws std::runtime_error on failure. Returns first cell or "".
  std::string exec(const std::string& sql) const;

 private:
  std::string dir_;
  std::string name_;
  std::string url_;
};

}  // namespace gatehouse::testing
