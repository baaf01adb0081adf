// Least privilege and isolation: RLS across estates and units, the kiosk role's limits,
// kiosk tokens, and hostile input stored exactly or refused clearly.
#include "backend_fixture.hpp"

using namespace gatehouse;
using namespace gatehouse::backend;
using namespace gatehouse::backend::test;

namespace {

std::int64_t visibleVisits(Connection& c, std::int64_t person) {
  std::int64_t n = -1;
  c.asPerson(person, [&](Connection& tx) {
    n = tx.exec("SELECT count(*) AS n FROM gh.visit")[0].int64("n");
  });
  return n;
}

ErrorKind kindOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const backend::Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "expected an error";
  return ErrorKind::Internal;
}

}  // namespace

TEST_F(BackendTest, ResidentsSeeOnlyTheirUnitAndEstatesAreIsolated) {
  kiosk_->requestVisit(walkIn("A-101"));
  kiosk_->requestVisit(walkIn("A-101"));
  kiosk_->requestVisit(walkIn("B-205"));
  KioskClient hill(
      db_->urlAs("gatehouse_kiosk"),
      {owner_->exec("SELECT id FROM gh.kiosk WHERE name = 'Hillside gate'")[0].int64("id"),
       "demo-hillside-kiosk-token"});
  auto r = walkIn("H-1");
  hill.requestVisit(r);

  auto c = server();
  EXPECT_EQ(visibleVisits(c, personId("a-101@harbour.example")), 2);
  EXPECT_EQ(visibleVisits(c, personId("a-101.2@harbour.example")), 2);  // same household
  EXPECT_EQ(visibleVisits(c, personId("b-205@harbour.example")), 1);
  EXPECT_EQ(visibleVisits(c, personId("a-102@harbour.example")), 0);
  EXPECT_EQ(visibleVisits(c, personId("guard1@harbour.example")), 3);  // whole estate, not Hillside
  EXPECT_EQ(visibleVisits(c, personId("guard@hillside.example")), 1);
  EXPECT_EQ(visibleVisits(c, personId("h-1@hillside.example")), 1);

  // No person set: nothing at all.
  EXPECT_EQ(c.exec("SELECT count(*) AS n FROM gh.visit")[0].int64("n"), 0);
  EXPECT_EQ(c.exec("SELECT count(*) AS n FROM gh.person")[0].int64("n"), 0);

  // People: a resident sees their household only; nobody sees another estate's people.
  std::int64_t seen = 0;
  c.asPerson(personId("a-101@harbour.example"), [&](Connection& tx) {
    seen = tx.exec("SELECT count(*) AS n FROM gh.person")[0].int64("n");
  });
  EXPECT_EQ(seen, 2);
  c.asPerson(personId("guard@hillside.example"), [&](Connection& tx) {
    seen =
        tx.exec("SELECT count(*) AS n FROM gh.person WHERE email LIKE '%harbour%'")[0].int64("n");
  });
  EXPECT_EQ(seen, 0);
}

TEST_F(BackendTest, ResidentCannotDecideAnotherUnitsOrEstatesVisit) {
  const auto r = walkIn("B-205");
  kiosk_->requestVisit(r);
  EXPECT_EQ(kindOf([&] { decideAs("a-101@harbour.example", r.visitId, true); }),
            ErrorKind::NotFound);
  EXPECT_EQ(kindOf([&] { decideAs("h-1@hillside.example", r.visitId, true); }),
            ErrorKind::NotFound);
  EXPECT_EQ(kindOf([&] { decideAs("guard@hillside.example", r.visitId, true, "reason"); }),
            ErrorKind::NotFound);
  EXPECT_EQ(statusOf(r.visitId), "pending");
}

TEST_F(BackendTest, AppRoleCannotChangeVisitsOrReadSecretsDirectly) {
  const auto r = walkIn();
  kiosk_->requestVisit(r);
  auto c = server();
  const auto guard = personId("guard1@harbour.example");
  EXPECT_EQ(kindOf([&] {
              c.asPerson(guard, [&](Connection& tx) {
                tx.exec("UPDATE gh.visit SET status = 'approved' WHERE id = $1", {r.visitId});
              });
            }),
            ErrorKind::Forbidden);
  EXPECT_EQ(kindOf([&] {
              c.asPerson(guard,
                         [&](Connection& tx) { tx.exec("SELECT password_hash FROM gh.person"); });
            }),
            ErrorKind::Forbidden);
  EXPECT_EQ(kindOf([&] {
              c.asPerson(guard, [&](Connection& tx) { tx.exec("DELETE FROM gh.evidence"); });
            }),
            ErrorKind::Forbidden);
}

TEST_F(BackendTest, KioskRoleCanOnlyCallKioskFunctions) {
  auto& c = kiosk_->connection();
  for (const char* sql :
       {"SELECT * FROM gh.person", "SELECT * FROM gh.visit", "SELECT * FROM gh.estate_key",
        "SELECT * FROM gh.audit_log", "INSERT INTO gh.alert (estate_id, kind) VALUES (1, 'x')"}) {
    EXPECT_EQ(kindOf([&] { c.exec(sql); }), ErrorKind::Forbidden) << sql;
  }
  // Not even the app's functions.
  EXPECT_EQ(kindOf([&] { c.exec("SELECT gh.decide_visit(gen_random_uuid(), true)"); }),
            ErrorKind::Forbidden);
  EXPECT_EQ(kindOf([&] { c.exec("SELECT * FROM gh.auth_lookup('admin@harbour.example')"); }),
            ErrorKind::Forbidden);
  EXPECT_FALSE(kiosk_->directory("A-1").empty());
}

TEST_F(BackendTest, WrongKioskTokenIsForbidden) {
  KioskClient forged(db_->urlAs("gatehouse_kiosk"),
                     {demo_.kiosks[0].kioskId, "demo-kiosk-2-token"});
  EXPECT_EQ(kindOf([&] { forged.requestVisit(walkIn()); }), ErrorKind::Forbidden);
  EXPECT_EQ(kindOf([&] { forged.directory(""); }), ErrorKind::Forbidden);
  KioskClient nobody(db_->urlAs("gatehouse_kiosk"), {999999, "x"});
  EXPECT_EQ(kindOf([&] { nobody.heartbeat({}); }), ErrorKind::Forbidden);
}

TEST_F(BackendTest, KioskCannotTouchAnotherEstatesVisitsOrUnits) {
  KioskClient hill(
      db_->urlAs("gatehouse_kiosk"),
      {owner_->exec("SELECT id FROM gh.kiosk WHERE name = 'Hillside gate'")[0].int64("id"),
       "demo-hillside-kiosk-token"});
  const auto r = walkIn();
  kiosk_->requestVisit(r);
  EXPECT_EQ(kindOf([&] { hill.visitStatus(r.visitId); }), ErrorKind::NotFound);
  EXPECT_EQ(kindOf([&] { hill.cancel(r.visitId); }), ErrorKind::NotFound);
  EXPECT_EQ(kindOf([&] { hill.requestVisit(walkIn("A-101")); }),
            ErrorKind::NotFound);  // unit of another estate
  for (const auto& e : hill.directory("")) EXPECT_NE(e.unitLabel.rfind("A-", 0), 0u) << e.unitLabel;
}

TEST_F(BackendTest, DirectoryShowsOnlyInitialsUnlessTheEstateAllowsNames) {
  auto entries = kiosk_->directory("a-10");
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].unitLabel, "A-101");
  EXPECT_EQ(entries[0].hostHint, "A.");            // Ahmed → A.
  EXPECT_EQ(kiosk_->directory("Ahm").size(), 1u);  // by surname
  owner_->exec("UPDATE gh.estate SET directory_shows_names = true");
  EXPECT_EQ(kiosk_->directory("a-101")[0].hostHint, "Ahmed");
  EXPECT_TRUE(kiosk_->directory("%").empty());  // wildcards are literal, not "everything"
}

struct OddName {
  std::string label;
  std::string name;
};

class HostileNames : public BackendTest, public ::testing::WithParamInterface<OddName> {};

TEST_P(HostileNames, AreStoredAndReadBackExactly) {
  auto r = walkIn("A-101", GetParam().name);
  kiosk_->requestVisit(r);
  auto row = owner_->exec(
      "SELECT vr.full_name FROM gh.visit v JOIN gh.visitor vr ON vr.id = v.visitor_id WHERE v.id = "
      "$1",
      {r.visitId})[0];
  EXPECT_EQ(row.text("full_name"), GetParam().name);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.visit"), 1);  // the table is still there
}

INSTANTIATE_TEST_SUITE_P(
    Names, HostileNames,
    ::testing::Values(
        OddName{"Rtl", "\xE2\x80\x8F\xD7\xA9\xD7\xA8\xD7\x94 \xD7\x9B\xD7\x94\xD7\x9F\xE2\x80\x8E"},
        OddName{"RtlOverride", "Evil\xE2\x80\xAEgnp.exe"},
        OddName{"Emoji", "Zoë 👩🏽‍🚀 Ødegaard 🇳🇴"},
        OddName{"SqlInjection", "Robert'); DROP TABLE gh.visit;--"},
        OddName{"Html", "<script>alert('x')</script>"},
        OddName{"Cyrillic", "Пётр Ильич Чайковский"}, OddName{"Exactly200", std::string(200, 'x')}),
    [](const auto& p) { return p.param.label; });

TEST_F(BackendTest, OversizedOrNulNamesAreRefusedWithAClearError) {
  auto big = walkIn("A-101", std::string(10 * 1024, 'n'));
  try {
    kiosk_->requestVisit(big);
    FAIL();
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_EQ(e.detail(), "visitor_name_too_long");
    EXPECT_NE(std::string(e.what()).find("at most 200"), std::string::npos) << e.what();
  }
  auto nul = walkIn("A-101", std::string("Null\0Byte", 9));
  try {
    kiosk_->requestVisit(nul);
    FAIL();
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_EQ(e.detail(), "nul_byte");
  }
  auto blank = walkIn("A-101", "   ");
  EXPECT_EQ(kindOf([&] { kiosk_->requestVisit(blank); }), ErrorKind::InvalidInput);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.visit"), 0);
}
