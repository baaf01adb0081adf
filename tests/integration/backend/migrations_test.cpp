// Migrations from scratch, re-run, edited-file refusal, and failure atomicity.
#include <gtest/gtest.h>

#include "gatehouse/backend/migrator.hpp"
#include "gatehouse/core/base64url.hpp"
#include "gatehouse/testing/test_database.hpp"

using namespace gatehouse::backend;
namespace t = gatehouse::testing;

namespace {

// An empty database (not from the migrated template), dropped at the end.
class EmptyDatabase : public ::testing::Test {
 protected:
  void SetUp() override {
    name_ = "gh_empty_" + gatehouse::Uuid::random().toString().substr(0, 8);
    Connection(t::clusterUrl(t::testClusterDir(), "postgres")).exec("CREATE DATABASE " + name_);
    conn_ = std::make_unique<Connection>(t::clusterUrl(t::testClusterDir(), name_));
  }
  void TearDown() override {
    conn_.reset();
    Connection(t::clusterUrl(t::testClusterDir(), "postgres"))
        .exec("DROP DATABASE " + name_ + " WITH (FORCE)");
  }
  std::string name_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace

TEST_F(EmptyDatabase, MigratesFromScratchThenIsUpToDate) {
  Migrator m(*conn_);
  EXPECT_FALSE(m.upToDate());
  const int all = static_cast<int>(embeddedMigrations().size());
  EXPECT_GE(all, 4);
  EXPECT_EQ(m.migrate(), all);
  EXPECT_TRUE(m.upToDate());
  EXPECT_EQ(m.migrate(), 0);  // re-run applies nothing
  for (const auto& s : m.status()) {
    EXPECT_TRUE(s.applied) << s.migration.name;
    EXPECT_FALSE(s.checksumMismatch) << s.migration.name;
  }
  EXPECT_EQ(conn_->exec("SELECT count(*) AS n FROM gh_meta.schema_migrations")[0].int64("n"), all);
}

TEST_F(EmptyDatabase, EmbeddedMigrationsAreOrderedAndChecksummed) {
  int last = 0;
  for (const auto& m : embeddedMigrations()) {
    EXPECT_GT(m.version, last) << m.name;
    last = m.version;
    EXPECT_EQ(m.checksum, gatehouse::sha256Hex(m.sql)) << m.name;
  }
}

TEST_F(EmptyDatabase, RefusesToContinueWhenAnAppliedFileWasEdited) {
  Migrator(*conn_).migrate();
  auto edited = embeddedMigrations();
  edited[1].sql += "\n-- edited";
  edited[1].checksum = gatehouse::sha256Hex(edited[1].sql);
  Migrator m(*conn_, edited);
  EXPECT_TRUE(m.status()[1].checksumMismatch);
  EXPECT_FALSE(m.upToDate());
  try {
    m.migrate();
    FAIL() << "edited migration accepted";
  } catch (const gatehouse::backend::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Conflict);
    EXPECT_EQ(e.detail(), "checksum_mismatch");
  }
}

TEST_F(EmptyDatabase, AFailingMigrationLeavesNoTraceAndEarlierOnesStay) {
  auto list = embeddedMigrations();
  list.push_back({9999, "9999_broken.sql", "CREATE TABLE gh.half_made (id int); SELECT 1/0;", "x"});
  Migrator m(*conn_, list);
  EXPECT_THROW(m.migrate(), gatehouse::backend::Error);
  EXPECT_EQ(conn_->exec("SELECT to_regclass('gh.half_made') IS NULL AS gone")[0].boolean("gone"),
            true);
  EXPECT_EQ(conn_->exec("SELECT count(*) AS n FROM gh_meta.schema_migrations")[0].int64("n"),
            static_cast<std::int64_t>(embeddedMigrations().size()));
}
