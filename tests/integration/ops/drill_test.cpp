// The restore drill: load data, back up, drop the database, restore, verify; and bad restores.
#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "backend_fixture.hpp"
#include "gatehouse/backend/ops_admin.hpp"
#include "gatehouse/portal/portal.hpp"

namespace gatehouse::backend::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::system_clock;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "gh-backup-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

// Runs SQL on the fixture cluster's maintenance database.
void onCluster(const std::string& sql) {
  Connection c(testing::clusterUrl(testing::testClusterDir(), "postgres"));
  c.execScript(sql);
}

class DrillTest : public BackendTest {
 protected:
  // A visit with three photos: evidence rows whose hash chain must survive the round trip.
  void loadData() {
    const auto r = walkIn();
    kiosk_->requestVisit(r);
    for (int i = 0; i < 3; ++i)
      kiosk_->addEvidence({Uuid::random(), r.visitId, EvidenceKind::EntryPhoto, "image/jpeg",
                           Bytes{0xFF, 0xD8, static_cast<std::uint8_t>(i), 0xFF, 0xD9},
                           system_clock::now()});
    decideAs("a-101@harbour.example", r.visitId, true);
  }
  std::string restoredName_ = db_name() + "_restored";
  std::string db_name() const { return "gh_drill_" + std::to_string(::getpid()); }
};

TEST_F(DrillTest, BackupDropRestoreKeepsEveryRowAndTheEvidenceChain) {
  loadData();
  TempDir backups;
  const auto before = countRows(db_->url());
  const auto b = backupDatabase(db_->url(), backups.path.string(), 14);
  EXPECT_TRUE(fs::exists(fs::path(b.dir) / "manifest.json"));
  EXPECT_EQ(b.sha256.size(), 64u);
  EXPECT_EQ(b.rows, before);
  EXPECT_GT(b.rows.at("gh.evidence"), 2);

  // Drop the database, as after losing the machine: then restore into a new empty one.
  const std::string lost = db_->name();
  kiosk_.reset();
  owner_.reset();
  onCluster("DROP DATABASE " + lost + " WITH (FORCE)");
  onCluster("CREATE DATABASE " + lost + " TEMPLATE template0");
  const auto r = restoreDatabase(db_->url(), b.dir);
  EXPECT_EQ(r.actual, r.expected);
  EXPECT_EQ(countRows(db_->url()), before);

  owner_ = std::make_unique<Connection>(db_->url());
  EXPECT_TRUE(
      owner_->exec("SELECT gh.verify_evidence_chain($1) AS bad", {demo_.kiosks[0].kioskId})[0]
          .isNull("bad"));
  // Roles and grants came back: the kiosk role still works through its functions only.
  KioskClient kiosk(db_->urlAs("gatehouse_kiosk"),
                    KioskCredentials{demo_.kiosks[0].kioskId, demo_.kiosks[0].token});
  EXPECT_NO_THROW(kiosk.requestVisit(walkIn("A-102", "After Restore")));

  // The server comes up healthy on the restored database.
  portal::PortalConfig cfg;
  cfg.port = 0;
  cfg.databaseUrl = db_->urlAs("gatehouse_server");
  cfg.accessLog = false;
  portal::Portal server(cfg);
  server.start();
  httplib::Client http("127.0.0.1", server.port());
  auto health = http.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200) << health->body;
  EXPECT_NE(health->body.find("\"ok\""), std::string::npos);
  server.stop(std::chrono::milliseconds(100));
}

TEST_F(DrillTest, RestoreRefusesADatabaseThatIsNotEmpty) {
  TempDir backups;
  const auto b = backupDatabase(db_->url(), backups.path.string(), 0);
  try {
    restoreDatabase(db_->url(), b.dir);
    FAIL() << "restore over live data accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Conflict);
    EXPECT_NE(std::string(e.what()).find("not empty"), std::string::npos);
  }
  EXPECT_EQ(countRows(db_->url()), b.rows);  // nothing touched
}

TEST_F(DrillTest, RestoreRefusesADamagedDumpBeforeTouchingTheTarget) {
  TempDir backups;
  const auto b = backupDatabase(db_->url(), backups.path.string(), 0);
  {
    std::fstream f(b.dumpFile, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('\x5a');
  }
  onCluster("CREATE DATABASE " + restoredName_ + " TEMPLATE template0");
  const auto target = testing::clusterUrl(testing::testClusterDir(), restoredName_);
  try {
    restoreDatabase(target, b.dir);
    ADD_FAILURE() << "damaged dump restored";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_NE(std::string(e.what()).find("checksum mismatch"), std::string::npos);
  }
  EXPECT_TRUE(countRows(target).empty());
  onCluster("DROP DATABASE " + restoredName_ + " WITH (FORCE)");
}

TEST_F(DrillTest, RotationKeepsTheNewestBackupsOnly) {
  TempDir backups;
  fs::create_directory(backups.path / "not-a-backup");  // foreign folders are never deleted
  std::vector<std::string> made;
  for (int i = 0; i < 3; ++i)
    made.push_back(backupDatabase(db_->url(), backups.path.string(), 2).dir);
  EXPECT_FALSE(fs::exists(made[0]));
  EXPECT_TRUE(fs::exists(made[1]));
  EXPECT_TRUE(fs::exists(made[2]));
  EXPECT_TRUE(fs::exists(backups.path / "not-a-backup"));
}

TEST_F(DrillTest, CliBackupAndRestoreReportThroughExitCodes) {
  TempDir backups;
  const std::string admin = std::getenv("GATEHOUSE_ADMIN");
  const std::string base = "'" + admin + "' --database-url '" + db_->url() + "' ";
  EXPECT_EQ(
      std::system(
          (base + "backup --dir '" + backups.path.string() + "' --keep 3 >/dev/null").c_str()),
      0);
  EXPECT_NE(std::system((base + "backup >/dev/null 2>&1").c_str()), 0);  // --dir missing
  std::string dir;
  for (const auto& e : fs::directory_iterator(backups.path)) dir = e.path().string();
  ASSERT_FALSE(dir.empty());
  // Restoring over the live database is refused with exit code 1 and the data stays.
  EXPECT_EQ(WEXITSTATUS(std::system((base + "restore '" + dir + "' >/dev/null 2>&1").c_str())), 1);
  EXPECT_GT(count("SELECT count(*) AS n FROM gh.person"), 0);
}

}  // namespace
}  // namespace gatehouse::backend::test
