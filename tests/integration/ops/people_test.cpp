// gatehouse-admin people commands through the real binary: create-user with PIN and TOTP,
// deactivate-user, move-resident, import-residents --sync [--dry-run]; bad input changes nothing.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>

#include "backend_fixture.hpp"
#include "gatehouse/console/auth.hpp"
#include "gatehouse/core/password.hpp"

namespace gatehouse::backend::test {
namespace {

namespace fs = std::filesystem;

struct Output {
  int code = -1;
  std::string text;
};

class PeopleCliTest : public BackendTest {
 protected:
  void TearDown() override { fs::remove_all(dir_); }
  // Runs gatehouse-admin with `stdinText` on stdin; stdout and stderr together.
  Output admin(const std::string& args, const std::string& stdinText = "") {
    std::ofstream(dir_ / "stdin") << stdinText;
    const std::string cmd = "'" + std::string(std::getenv("GATEHOUSE_ADMIN")) +
                            "' --database-url '" + db_->url() + "' " + args + " <'" +
                            (dir_ / "stdin").string() + "' 2>&1";
    Output out;
    if (FILE* p = popen(cmd.c_str(), "r")) {
      std::array<char, 4096> b{};
      while (fgets(b.data(), b.size(), p)) out.text += b.data();
      out.code = WEXITSTATUS(pclose(p));
    }
    return out;
  }
  fs::path csv(const std::string& body) {
    const auto p = dir_ / "residents.csv";
    std::ofstream(p) << "unit,building,full_name,email,phone\n" << body;
    return p;
  }
  std::string one(const std::string& sql, const Params& params = {}) {
    auto r = owner_->exec(sql, params);
    return r.empty() ? std::string("<none>") : r[0].text(0);
  }
  std::string estate() { return std::to_string(demo_.estateId); }
  fs::path dir_ = [] {
    std::string t = (fs::temp_directory_path() / "gh-people-XXXXXX").string();
    return fs::path(mkdtemp(t.data()));
  }();
};

TEST_F(PeopleCliTest, CreateGuardWithPinAndTotpPrintsAUriAndAQrThatSignInAccepts) {
  auto out =
      admin("create-user --estate " + estate() +
                " --role guard --name 'Gail Guard' --email gail@harbour.example --pin --totp",
            "correct horse battery\n482915\n");
  ASSERT_EQ(out.code, 0) << out.text;
  EXPECT_NE(out.text.find("kiosk PIN set"), std::string::npos);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      out.text, m,
      std::regex(
          R"(otpauth://totp/Gatehouse%3Agail@harbour\.example\?secret=([A-Z2-7]{32})&issuer=Gatehouse)")))
      << out.text;
  EXPECT_NE(out.text.find("\u2580"), std::string::npos) << "no terminal QR";
  const std::string secret = m[1];
  EXPECT_EQ(one("SELECT totp_secret FROM gh.person WHERE email = 'gail@harbour.example'"), secret);
  // The sign-in code path accepts a code from that secret.
  const auto key = console::base32Decode(secret);
  ASSERT_TRUE(key);
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  EXPECT_TRUE(console::verifyTotp(secret, console::totpCode(*key, now), now));
  // The PIN went through the shared admin path: a bcrypt verifier for the server's check and a
  // separate Argon2id hash (>= 64 MiB) for the kiosks' offline list.
  const auto hash =
      one("SELECT pin_offline_hash FROM gh.person WHERE email = 'gail@harbour.example'");
  EXPECT_TRUE(verifyPassword(hash, "482915"));
  EXPECT_NE(hash.find("m=65536,"), std::string::npos) << hash;
  EXPECT_EQ(one("SELECT (pin_verifier = gh_crypto.crypt('482915', pin_verifier))::text FROM "
                "gh.person WHERE email = 'gail@harbour.example'"),
            "true");
}

TEST_F(PeopleCliTest, EnrolTotpGivesAnExistingGuardANewSecretAndRefusesAnUnknownEmail) {
  const std::string before =
      one("SELECT coalesce(totp_secret, '') FROM gh.person WHERE email = 'guard1@harbour.example'");
  auto out = admin("enrol-totp GUARD1@harbour.example");
  ASSERT_EQ(out.code, 0) << out.text;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      out.text, m,
      std::regex(R"(otpauth://totp/Gatehouse%3Aguard1@harbour\.example\?secret=([A-Z2-7]{32}))")))
      << out.text;
  EXPECT_EQ(one("SELECT totp_secret FROM gh.person WHERE email = 'guard1@harbour.example'"),
            std::string(m[1]));
  EXPECT_NE(std::string(m[1]), before);
  const auto unknown = admin("enrol-totp nobody@harbour.example");
  EXPECT_NE(unknown.code, 0);
  EXPECT_NE(unknown.text.find("no person with e-mail nobody@harbour.example"), std::string::npos)
      << unknown.text;
}

TEST_F(PeopleCliTest, CreateUserRefusesAnEmptyPasswordAndShortPinsAndWritesNothing) {
  const auto before = one("SELECT count(*) FROM gh.person");
  auto empty = admin(
      "create-user --estate " + estate() + " --role guard --name G --email g1@harbour.example",
      "\n");
  EXPECT_EQ(empty.code, 2);
  EXPECT_NE(empty.text.find("empty password"), std::string::npos) << empty.text;
  for (const char* pin : {"2468", "12345a", ""}) {
    auto bad = admin("create-user --estate " + estate() +
                         " --role guard --name G --email g2@harbour.example --pin",
                     std::string("long enough password\n") + pin + "\n");
    EXPECT_EQ(bad.code, 1) << pin;
    EXPECT_NE(bad.text.find("6 to 12 digits"), std::string::npos) << bad.text;
  }
  EXPECT_EQ(one("SELECT count(*) FROM gh.person"), before);
}

TEST_F(PeopleCliTest, DeactivateUserEndsSessionsAndMoveResidentChangesTheUnit) {
  const auto id = personId("a-101@harbour.example");
  owner_->exec(
      "INSERT INTO gh.portal_session (token_hash, person_id, csrf_token, expires_at) "
      "VALUES (repeat('a', 64), $1, 'x', now() + interval '1 hour')",
      {id});
  auto moved = admin("move-resident a-101@harbour.example --unit B-210");
  ASSERT_EQ(moved.code, 0) << moved.text;
  EXPECT_EQ(
      one("SELECT u.label FROM gh.person p JOIN gh.unit u ON u.id = p.unit_id WHERE p.id = $1",
          {id}),
      "B-210");
  EXPECT_EQ(admin("move-resident a-101@harbour.example --unit Z-999").code, 1);
  EXPECT_EQ(admin("move-resident " + demo_.guardEmails[0] + " --unit A-101").code, 1);
  auto off = admin("deactivate-user A-101@harbour.example");
  ASSERT_EQ(off.code, 0) << off.text;
  EXPECT_EQ(one("SELECT active::text FROM gh.person WHERE id = $1", {id}), "false");
  EXPECT_EQ(one("SELECT count(*) FROM gh.portal_session WHERE person_id = $1", {id}), "0");
  EXPECT_EQ(admin("deactivate-user nobody@harbour.example").code, 1);
}

TEST_F(PeopleCliTest, ImportSyncDryRunShowsChangesAndWritesNothingThenSyncApplies) {
  // Two residents of the estate only: one kept and updated, one new; all others deactivated.
  const auto file =
      csv("A-101,A,Renamed Resident,a-101@harbour.example,+1 555 0101\n"
          "C-1,C,New Person,new.person@harbour.example,\n");
  const auto active =
      one("SELECT count(*) FROM gh.person WHERE role = 'resident' AND active AND estate_id = $1",
          {demo_.estateId});
  auto dry =
      admin("import-residents " + file.string() + " --estate " + estate() + " --sync --dry-run");
  ASSERT_EQ(dry.code, 0) << dry.text;
  EXPECT_NE(dry.text.find("add new.person@harbour.example"), std::string::npos) << dry.text;
  EXPECT_NE(dry.text.find("update a-101@harbour.example: name"), std::string::npos) << dry.text;
  EXPECT_NE(dry.text.find("deactivate b-210@harbour.example"), std::string::npos) << dry.text;
  EXPECT_NE(dry.text.find("dry run: nothing written"), std::string::npos);
  EXPECT_EQ(one("SELECT count(*) FROM gh.person WHERE email = 'new.person@harbour.example'"), "0");
  EXPECT_EQ(
      one("SELECT count(*) FROM gh.person WHERE role = 'resident' AND active AND estate_id = $1",
          {demo_.estateId}),
      active);

  auto real = admin("import-residents " + file.string() + " --estate " + estate() + " --sync");
  ASSERT_EQ(real.code, 0) << real.text;
  EXPECT_EQ(one("SELECT full_name FROM gh.person WHERE email = 'a-101@harbour.example'"),
            "Renamed Resident");
  EXPECT_EQ(one("SELECT u.label FROM gh.person p JOIN gh.unit u ON u.id = p.unit_id "
                "WHERE p.email = 'new.person@harbour.example'"),
            "C-1");
  EXPECT_EQ(
      one("SELECT count(*) FROM gh.person WHERE role = 'resident' AND active AND estate_id = $1",
          {demo_.estateId}),
      "2");
  // The other estate is untouched, and a second identical sync has nothing to do.
  EXPECT_NE(
      one("SELECT count(*) FROM gh.person WHERE active AND estate_id = $1", {demo_.otherEstateId}),
      "0");
  auto again = admin("import-residents " + file.string() + " --estate " + estate() + " --sync");
  EXPECT_NE(again.text.find("0 change(s)"), std::string::npos) << again.text;
}

TEST_F(PeopleCliTest, ImportSyncWithABadRowChangesNothing) {
  const auto file = csv("A-101,A,Someone,not-an-email,\n");
  const auto before = one("SELECT count(*) FROM gh.person WHERE active");
  auto out = admin("import-residents " + file.string() + " --estate " + estate() + " --sync");
  EXPECT_EQ(out.code, 1);
  EXPECT_NE(out.text.find("line 2"), std::string::npos) << out.text;
  EXPECT_EQ(one("SELECT count(*) FROM gh.person WHERE active"), before);
}

TEST_F(PeopleCliTest, SimulateVisitorArrivesAtTheChosenKioskAndWaitsForTheResident) {
  const auto& k = demo_.kiosks[1];
  auto out = admin("simulate-visitor --kiosk " + std::to_string(k.kioskId) + " --token " + k.token +
                   " --unit B-210 --name 'Vic Visitor'");
  ASSERT_EQ(out.code, 0) << out.text;
  EXPECT_NE(out.text.find("pending"), std::string::npos) << out.text;
  EXPECT_EQ(
      one("SELECT v.kiosk_id::text || ' ' || u.label || ' ' || v.status::text FROM gh.visit v "
          "JOIN gh.unit u ON u.id = v.unit_id JOIN gh.visitor p ON p.id = v.visitor_id "
          "ORDER BY v.requested_at DESC LIMIT 1"),
      std::to_string(k.kioskId) + " B-210 pending");
  // A wrong token is refused like a kiosk's would be, and no visit is made.
  const auto visits = one("SELECT count(*) FROM gh.visit");
  EXPECT_EQ(admin("simulate-visitor --kiosk " + std::to_string(k.kioskId) + " --token wrong").code,
            1);
  EXPECT_EQ(admin("simulate-visitor --kiosk 1").code, 2);  // no token
  EXPECT_EQ(one("SELECT count(*) FROM gh.visit"), visits);
}

TEST_F(PeopleCliTest, RehashDocumentsNeedsAReadablePepperFileOfThirtyTwoBytes) {
  auto missing = admin("rehash-documents");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.text.find("missing --pepper-file"), std::string::npos) << missing.text;
  std::ofstream(dir_ / "short") << "short\n";
  auto tooShort = admin("rehash-documents --pepper-file " + (dir_ / "short").string());
  EXPECT_EQ(tooShort.code, 2);
  EXPECT_NE(tooShort.text.find("at least 32 bytes"), std::string::npos) << tooShort.text;
  std::ofstream(dir_ / "pepper") << "people-test-document-pepper-0123456789\n";
  auto ok = admin("rehash-documents --pepper-file " + (dir_ / "pepper").string());
  EXPECT_EQ(ok.code, 0) << ok.text;
  EXPECT_NE(ok.text.find("rekeyed 0 visitor and 0 watchlist"), std::string::npos) << ok.text;
}

}  // namespace
}  // namespace gatehouse::backend::test
