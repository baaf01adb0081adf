// Administration: CSV import is all-or-nothing with line numbers; passwords are Argon2id.
#include <sstream>

#include "backend_fixture.hpp"
#include "gatehouse/backend/durability.hpp"
#include "gatehouse/core/password.hpp"

using namespace gatehouse;
using namespace gatehouse::backend;
using namespace gatehouse::backend::test;

TEST_F(BackendTest, ImportResidentsReportsEveryBadLineAndImportsNothing) {
  const auto before = count("SELECT count(*) AS n FROM gh.person");
  std::istringstream csv(
      "unit,building,full_name,email,phone\n"
      "C-1,Building C,\"Doe, Jane\",jane@x.example,1\n"
      "C-2,Building C,Bob,not-an-email,2\n"
      "C-3,Building C,,empty@x.example,3\n"
      "C-4,Building C,Too,few\n"
      "C-5,Building C,Dup,jane@x.example,5\n");
  try {
    importResidents(*owner_, demo_.estateId, csv);
    FAIL();
  } catch (const backend::Error& e) {
    const std::string msg = e.what();
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_NE(msg.find("line 3: email"), std::string::npos) << msg;
    EXPECT_NE(msg.find("line 4: full_name"), std::string::npos) << msg;
    EXPECT_NE(msg.find("line 5: expected 5 or 6 fields"), std::string::npos) << msg;
    EXPECT_NE(msg.find("line 6: email jane@x.example repeats line 2"), std::string::npos) << msg;
  }
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.person"), before);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.unit WHERE label LIKE 'C-%'"), 0);
}

TEST_F(BackendTest, ImportResidentsRollsBackWhenTheDatabaseRefusesARow) {
  const auto before = count("SELECT count(*) AS n FROM gh.person");
  std::istringstream csv(
      "unit,building,full_name,email,phone\n"
      "C-1,Building C,New Person,new@x.example,1\n"
      "C-2,Building C,Clash,A-101@harbour.example,2\n");  // exists already (emails are
                                                          // case-insensitive)
  try {
    importResidents(*owner_, demo_.estateId, csv);
    FAIL();
  } catch (const backend::Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.person"), before);
}

TEST_F(BackendTest, ImportResidentsAcceptsQuotedFieldsAndCreatesUnits) {
  std::istringstream csv(
      "unit,building,full_name,email,phone,password\r\n"
      "C-1,\"Building \"\"C\"\"\",\"Doe, Jane\",jane@x.example,+1 555,secret-pass\r\n"
      "\r\n"
      "C-2,Building C,Ольга Смирнова,olga@x.example,,\r\n");
  EXPECT_EQ(importResidents(*owner_, demo_.estateId, csv), 2);
  auto row = owner_->exec(
      "SELECT p.full_name, u.building, p.password_hash FROM gh.person p JOIN gh.unit u ON u.id = "
      "p.unit_id "
      "WHERE email = 'jane@x.example'")[0];
  EXPECT_EQ(row.text("full_name"), "Doe, Jane");
  EXPECT_EQ(row.text("building"), "Building \"C\"");
  EXPECT_TRUE(verifyPassword(row.text("password_hash"), "secret-pass"));
  EXPECT_EQ(owner_->exec("SELECT full_name FROM gh.person WHERE email = 'olga@x.example'")[0].text(
                "full_name"),
            "Ольга Смирнова");
}

TEST_F(BackendTest, PasswordsAreStoredAsArgon2idAndCanBeReset) {
  auto hash =
      owner_->exec("SELECT password_hash FROM gh.person WHERE email = 'admin@harbour.example'")[0]
          .text("password_hash");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verifyPassword(hash, demo_.residentPassword));
  setPassword(*owner_, "ADMIN@harbour.example", "a new long password");
  hash =
      owner_->exec("SELECT password_hash FROM gh.person WHERE email = 'admin@harbour.example'")[0]
          .text("password_hash");
  EXPECT_TRUE(verifyPassword(hash, "a new long password"));
  EXPECT_FALSE(verifyPassword(hash, demo_.residentPassword));
  EXPECT_THROW(setPassword(*owner_, "admin@harbour.example", "short"), backend::Error);
  EXPECT_THROW(setPassword(*owner_, "nobody@harbour.example", "long enough pass"), backend::Error);
}

TEST_F(BackendTest, AuthLookupAndLockoutThroughTheServerRole) {
  auto c = server();
  auto rows = c.exec("SELECT * FROM gh.auth_lookup('A-101@HARBOUR.example')");
  ASSERT_EQ(rows.size(), 1u);
  const auto id = rows[0].int64("person_id");
  EXPECT_TRUE(verifyPassword(rows[0].text("password_hash"), demo_.residentPassword));
  for (int i = 0; i < 4; ++i)
    EXPECT_TRUE(c.exec("SELECT gh.auth_record($1, false) AS u", {id})[0].isNull("u"));
  EXPECT_FALSE(
      c.exec("SELECT gh.auth_record($1, false) AS u", {id})[0].isNull("u"));  // fifth: locked
  EXPECT_EQ(
      c.exec("SELECT locked_until > now() AS l FROM gh.auth_lookup('a-101@harbour.example')")[0]
          .boolean("l"),
      true);
  c.exec("SELECT gh.auth_record($1, true)", {id});
  EXPECT_TRUE(c.exec("SELECT locked_until FROM gh.auth_lookup('a-101@harbour.example')")[0].isNull(
      "locked_until"));
  EXPECT_TRUE(c.exec("SELECT * FROM gh.auth_lookup('nobody@harbour.example')").empty());
}

TEST_F(BackendTest, DurabilityCheckPassesOnTheTestClusterAndFlagsAsynchronousCommits) {
  EXPECT_TRUE(checkDurability(*owner_).durable());
  owner_->exec("SET synchronous_commit = off");
  const auto d = checkDurability(*owner_);
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_EQ(d.problems[0], "synchronous_commit=off");
  owner_->exec("RESET synchronous_commit");
}
