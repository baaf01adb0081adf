// Repeatable function files: fresh and upgraded databases end alike, only changed files re-run,
// a failing file names itself and leaves its record, `gatehouse-admin status` shows pending ones.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <regex>
#include <sstream>

#include "gatehouse/backend/migrator.hpp"
#include "gatehouse/core/base64url.hpp"
#include "gatehouse/core/uuid.hpp"
#include "gatehouse/testing/test_database.hpp"

using namespace gatehouse::backend;
namespace t = gatehouse::testing;

namespace {

// An empty database (not from the migrated template), dropped at the end.
class EmptyDb {
 public:
  EmptyDb() : name_("gh_rep_" + gatehouse::Uuid::random().toString().substr(0, 8)) {
    Connection(t::clusterUrl(t::testClusterDir(), "postgres")).exec("CREATE DATABASE " + name_);
    conn_ = std::make_unique<Connection>(url());
  }
  ~EmptyDb() {
    conn_.reset();
    Connection(t::clusterUrl(t::testClusterDir(), "postgres"))
        .exec("DROP DATABASE " + name_ + " WITH (FORCE)");
  }
  std::string url() const { return t::clusterUrl(t::testClusterDir(), name_); }
  Connection& conn() { return *conn_; }

 private:
  std::string name_;
  std::unique_ptr<Connection> conn_;
};

// Every gh function: signature -> definition and its EXECUTE grantees.
std::map<std::string, std::string> functions(Connection& c) {
  auto rows = c.exec(
      "SELECT p.oid::regprocedure::text AS sig, pg_get_functiondef(p.oid) || ' grants: ' || "
      "coalesce((SELECT string_agg(a.grantee::regrole::text, ',' ORDER BY "
      "a.grantee::regrole::text) FROM aclexplode(p.proacl) a), 'default') AS def "
      "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'gh'");
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out[rows[i].text("sig")] = rows[i].text("def");
  return out;
}

// The migrations main had before repeatable files existed (through 0601).
std::vector<Migration> mainOf20261201() {
  std::vector<Migration> out;
  for (const auto& m : embeddedMigrations())
    if (m.version <= 601) out.push_back(m);
  return out;
}

std::vector<Repeatable> editedFile(const std::string& name, const std::string& from,
                                   const std::string& to) {
  auto files = embeddedRepeatables();
  for (auto& f : files) {
    if (f.name != name) continue;
    const auto at = f.sql.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    f.sql.replace(at, from.size(), to);
    f.checksum = gatehouse::sha256Hex(f.sql);
  }
  return files;
}

std::string recordedChecksum(Connection& c, const std::string& name) {
  auto r = c.exec("SELECT checksum FROM gh_meta.repeatable_files WHERE name = $1", {name});
  return r.empty() ? "" : r[0].text("checksum");
}

}  // namespace

TEST(Repeatables, AreEmbeddedInOrderChecksummedAndHoldOnlyFunctionsAndGrants) {
  const auto& files = embeddedRepeatables();
  ASSERT_GE(files.size(), 9u);
  int last = 0;
  const std::regex statement(R"(^(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE|TRUNCATE)\b.*)");
  for (const auto& f : files) {
    EXPECT_GT(f.order, last) << f.name;
    last = f.order;
    EXPECT_EQ(f.checksum, gatehouse::sha256Hex(f.sql)) << f.name;
    std::istringstream lines(f.sql);
    for (std::string line; std::getline(lines, line);) {
      if (std::regex_match(line, statement)) {
        EXPECT_EQ(line.rfind("CREATE OR REPLACE FUNCTION gh.", 0), 0u) << f.name << ": " << line;
      }
    }
  }
}

TEST(Repeatables, EveryFunctionOfTheSchemaLivesInAFile) {
  t::TestDatabase db;
  Connection c(db.url());
  std::string all;
  for (const auto& f : embeddedRepeatables()) all += f.sql;
  for (const auto& [sig, def] : functions(c)) {
    const auto name = sig.substr(0, sig.find('('));
    EXPECT_NE(all.find("CREATE OR REPLACE FUNCTION " + name + "("), std::string::npos)
        << sig << " is defined only in a migration: move its body to sql/functions/";
  }
}

TEST(Repeatables, AFreshAndAnUpgradedDatabaseEndWithIdenticalFunctions) {
  EmptyDb fresh, upgraded;
  const auto freshRun = Migrator(fresh.conn()).run();
  EXPECT_EQ(freshRun.repeatables.size(), embeddedRepeatables().size());

  Migrator(upgraded.conn(), mainOf20261201(), {}).migrate();
  const auto before = functions(upgraded.conn());
  const auto run = Migrator(upgraded.conn()).run();
  EXPECT_EQ(run.repeatables.size(), embeddedRepeatables().size());
  const auto after = functions(upgraded.conn());
  EXPECT_EQ(after, functions(fresh.conn()));

  // Changes made through the files since that main reach the upgraded database, e.g. the push
  // channel recorded by gh.decide_visit (one line of 20_lifecycle.sql).
  std::vector<std::string> changed;
  for (const auto& [sig, def] : after)
    if (before.count(sig) == 0 || before.at(sig) != def) changed.push_back(sig);
  EXPECT_NE(std::find(changed.begin(), changed.end(),
                      "gh.decide_visit(uuid,boolean,text,gh.decision_channel)"),
            changed.end());
  // Signatures a later migration dropped on purpose, each replaced by a new one in the files.
  const std::map<std::string, std::string> replaced{
      {"gh.lock_visit(uuid,gh.visit_status)", "gh.lock_visit(uuid,gh.visit_status,bigint)"}};
  for (const auto& [sig, def] : before) {
    if (auto r = replaced.find(sig); r != replaced.end()) {
      EXPECT_EQ(after.count(sig), 0u) << sig << " should have been dropped";
      EXPECT_EQ(after.count(r->second), 1u) << r->second << " should replace " << sig;
      continue;
    }
    EXPECT_EQ(after.count(sig), 1u) << sig << " was lost";
  }
}

TEST(Repeatables, AnUnchangedRunAppliesNothing) {
  EmptyDb db;
  Migrator(db.conn()).run();
  Migrator again(db.conn());
  EXPECT_TRUE(again.upToDate());
  const auto run = again.run();
  EXPECT_EQ(run.migrations, 0);
  EXPECT_TRUE(run.repeatables.empty());
  for (const auto& s : again.repeatableStatus()) EXPECT_FALSE(s.pending()) << s.file.name;
}

TEST(Repeatables, ChangingOneLineReappliesJustThatFile) {
  EmptyDb db;
  Migrator(db.conn()).run();
  const auto edited = editedFile("20_lifecycle.sql", "'no acting person'", "'nobody is acting'");
  Migrator m(db.conn(), embeddedMigrations(), edited);
  EXPECT_FALSE(m.upToDate());
  for (const auto& s : m.repeatableStatus())
    EXPECT_EQ(s.pending(), s.file.name == "20_lifecycle.sql") << s.file.name;
  const auto run = m.run();
  EXPECT_EQ(run.migrations, 0);
  EXPECT_EQ(run.repeatables, std::vector<std::string>{"20_lifecycle.sql"});
  EXPECT_EQ(db.conn()
                .exec("SELECT position('nobody is acting' IN prosrc) > 0 AS has FROM pg_proc "
                      "WHERE oid = 'gh.decide_visit'::regproc")[0]
                .boolean("has"),
            true);
  EXPECT_TRUE(m.upToDate());
  EXPECT_TRUE(m.run().repeatables.empty());
}

TEST(Repeatables, AFailingFileNamesItselfAndKeepsItsOldRecordAndDefinitions) {
  EmptyDb db;
  Migrator(db.conn()).run();
  const auto old = recordedChecksum(db.conn(), "90_gate.sql");
  auto broken = editedFile("90_gate.sql", "REVOKE EXECUTE ON ALL FUNCTIONS",
                           "SELECT 1/0;\nREVOKE EXECUTE ON ALL FUNCTIONS");
  broken[0].sql += "\n-- edited too";  // an earlier file that applies fine
  broken[0].checksum = gatehouse::sha256Hex(broken[0].sql);
  try {
    Migrator(db.conn(), embeddedMigrations(), broken).run();
    FAIL() << "a failing function file was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("functions/90_gate.sql"), std::string::npos) << e.what();
  }
  EXPECT_EQ(recordedChecksum(db.conn(), "90_gate.sql"), old);
  EXPECT_EQ(recordedChecksum(db.conn(), broken[0].name), broken[0].checksum);
  EXPECT_TRUE(Migrator(db.conn()).repeatableStatus()[0].changed);
}

TEST(Repeatables, AdminStatusListsPendingFilesAndMigrateAppliesThem) {
  EmptyDb db;
  Migrator(db.conn(), embeddedMigrations(), {}).migrate();
  auto admin = [&](const std::string& cmd) {
    const std::string line = "'" + std::string(std::getenv("GATEHOUSE_ADMIN")) +
                             "' --database-url '" + db.url() + "' " + cmd + " 2>&1";
    std::string out;
    FILE* p = popen(line.c_str(), "r");
    std::array<char, 4096> buf{};
    while (p && fgets(buf.data(), buf.size(), p)) out += buf.data();
    const int rc = p ? pclose(p) : -1;
    return std::make_pair(WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, out);
  };
  auto [rc, out] = admin("status");
  EXPECT_EQ(rc, 3) << out;
  EXPECT_NE(out.find("pending functions/20_lifecycle.sql"), std::string::npos) << out;
  std::tie(rc, out) = admin("migrate");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(
      out.find("applied " + std::to_string(embeddedRepeatables().size()) + " function file(s)"),
      std::string::npos)
      << out;
  std::tie(rc, out) = admin("status");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out.find("pending"), std::string::npos) << out;
  EXPECT_NE(out.find("applied functions/90_gate.sql"), std::string::npos) << out;
}
