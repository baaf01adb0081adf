// The test clusters of scripts/pg-cluster keep every acknowledged commit through an immediate stop
// (regression: they ran with synchronous_commit=off and fsync=off and lost the last commits).
#include <gtest/gtest.h>

#include "fault_cluster.hpp"

namespace gatehouse::faults {
namespace {

TEST(PgClusterDurability, AcknowledgedCommitsSurviveAnImmediateStop) {
  FaultCluster cluster;
  {
    backend::Connection c(cluster.url());
    c.exec("CREATE TABLE acked (n integer PRIMARY KEY)");
  }
  std::int64_t acknowledged = 0;
  for (int round = 0; round < 3; ++round) {
    {
      backend::Connection c(cluster.url());
      // One commit per row; each returned exec is an acknowledged commit.
      for (int i = 0; i < 150; ++i) c.exec("INSERT INTO acked VALUES ($1)", {++acknowledged});
    }
    ASSERT_TRUE(cluster.crash());
    ASSERT_TRUE(cluster.start());
    backend::Connection c(cluster.url());
    EXPECT_EQ(c.exec("SELECT count(*) AS n FROM acked")[0].int64("n"), acknowledged)
        << "acknowledged commits lost by an immediate stop in round " << round;
  }
}

TEST(PgClusterDurability, ClustersRunWithProductionDurabilitySettings) {
  FaultCluster cluster;
  backend::Connection c(cluster.url());
  for (const char* setting : {"fsync", "synchronous_commit", "full_page_writes"})
    EXPECT_EQ(c.exec("SELECT current_setting($1)", {std::string(setting)})[0].text(0), "on")
        << setting;
}

}  // namespace
}  // namespace gatehouse::faults
