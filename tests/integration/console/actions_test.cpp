// Console actions through the real server and database: manual entry/exit, evacuation PDF,
// history search, sign-in with TOTP, reports, watchlist management.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "gatehouse/console/reports.hpp"
#include "server_fixture.hpp"

namespace gatehouse::console::test {
namespace {

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf{};
  while (auto n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  pclose(p);
  return out;
}

class ActionsTest : public ServerConsoleTest {
 protected:
  void SetUp() override {
    ServerConsoleTest::SetUp();
    dir_ = std::filesystem::temp_directory_path() / ("gh-console-" + Uuid::random().toString());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    clients_.clear();
    ServerConsoleTest::TearDown();
    std::filesystem::remove_all(dir_);
  }
  // The console's client signed in as that person (one session per person and test).
  ServerClient& store(std::int64_t person) {
    auto& c = clients_[person];
    if (!c) c = signIn(scalar("SELECT email FROM gh.person WHERE id = $1", {person}));
    return *c;
  }
  std::map<std::int64_t, std::shared_ptr<ServerClient>> clients_;
  std::filesystem::path dir_;
};

TEST_F(ActionsTest, ManualEntryAndExitAreRecordedUnderTheGuardWithPhotoAndAudit) {
  auto& s = store(guard_);
  const Uuid v = Uuid::random();
  Photo photo{makePlaceholderPng(32, 32, 10, 120, 200), "image/png"};
  const auto expected = s.manualEntry(v, unitId("B-102"), "Walter Wheelchair", "",
                                      "Visiting family", "kiosk screen too high", photo);
  EXPECT_GT(expected, std::chrono::system_clock::now() + std::chrono::hours(3));
  auto row = owner_->exec(
      "SELECT status::text AS s, decided_by, decision_channel::text AS c, kiosk_id IS NULL AS "
      "manual "
      "FROM gh.visit WHERE id = $1",
      {v})[0];
  EXPECT_EQ(row.text("s"), "checked_in");
  EXPECT_EQ(row.int64("decided_by"), guard_);
  EXPECT_EQ(row.text("c"), "guard");
  EXPECT_TRUE(row.boolean("manual"));
  EXPECT_EQ(s.visitPhoto(v).data, photo.data);
  EXPECT_EQ(
      scalar(
          "SELECT count(*) FROM gh.audit_log WHERE subject = $1 AND action = 'visit.manual_entry' "
          "AND actor_person = $2",
          {v.toString(), guard_}),
      "1");
  // A retry with the same id is the same entry.
  EXPECT_NO_THROW(
      s.manualEntry(v, unitId("B-102"), "Walter Wheelchair", "", "", "kiosk screen too high"));

  EXPECT_THROW(s.manualExit(v, ""), BackendError);  // a reason is required
  s.manualExit(v, "left by the side gate");
  EXPECT_EQ(scalar("SELECT status::text FROM gh.visit WHERE id = $1", {v}), "checked_out");
  EXPECT_EQ(
      scalar(
          "SELECT count(*) FROM gh.audit_log WHERE subject = $1 AND action = 'visit.manual_exit'",
          {v.toString()}),
      "1");
  try {
    s.manualExit(v, "again");
    FAIL() << "a visitor cannot leave twice";
  } catch (const BackendError& e) {
    EXPECT_EQ(e.kind(), BackendErrorKind::Conflict);
  }
}

TEST_F(ActionsTest, ManualEntryOfAWatchlistedNameIsHeldAndAlerts) {
  store(admin_).watchlistAdd("Müller Jürgen", "banned by the board");
  const Uuid v = Uuid::random();
  store(guard_).manualEntry(v, unitId("A-101"), "Jurgen MULLER", "", "", "resident escorted him");
  EXPECT_EQ(scalar("SELECT held::text FROM gh.visit WHERE id = $1", {v}), "true");
  EXPECT_EQ(
      scalar("SELECT count(*) FROM gh.alert WHERE kind = 'watchlist_hit' AND visit_id = $1", {v}),
      "1");
}

TEST_F(ActionsTest, EvacuationPdfListsExactlyTheVisitorsOnSite) {
  onSiteVisitor(0, "Alice Inside", "A-101");
  onSiteVisitor(1, "Борис Внутри", "B-201");
  const Uuid gone = onSiteVisitor(0, "Gary Gone", "A-102");
  store(guard_).manualExit(gone, "left on foot");
  walkIn(1, "Penny Pending", "A-103");  // still waiting at the gate: not on site
  const Uuid manual = Uuid::random();
  store(guard_).manualEntry(manual, unitId("B-110"), "Manny Manual", "", "", "no ID card");

  auto& s = store(guard_);
  const auto onsite = s.onSite();
  ASSERT_EQ(onsite.size(), 3u);
  const std::string pdf = (dir_ / "evacuation.pdf").string();
  ASSERT_TRUE(
      writeEvacuationPdf(onsite, "Harbour View", std::chrono::system_clock::now(), false, pdf));
  const std::string text = run("pdftotext -layout '" + pdf + "' -");
  EXPECT_NE(text.find("Evacuation list - Harbour View"), std::string::npos) << text;
  EXPECT_NE(text.find("3 visitor(s) on site"), std::string::npos) << text;
  for (const char* name :
       {"Alice Inside", "Борис Внутри", "Manny Manual", "A-101", "B-201", "B-110"}) {
    EXPECT_NE(text.find(name), std::string::npos) << name << "\n" << text;
  }
  for (const char* name : {"Gary Gone", "Penny Pending"})
    EXPECT_EQ(text.find(name), std::string::npos) << name;
}

TEST_F(ActionsTest, HistorySearchFiltersByNameUnitKioskStatusAndDateWithinTheEstateOnly) {
  const Uuid a = onSiteVisitor(0, "Samantha Search", "A-101");
  walkIn(1, "Samuel Search", "B-202");
  walkIn(0, "Other Person", "A-101");
  auto& s = store(guard_);
  HistoryQuery q;
  q.name = "search";
  EXPECT_EQ(s.search(q).size(), 2u);
  q.name = "SAMANTHA";
  auto rows = s.search(q);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].visitId, a);
  EXPECT_EQ(rows[0].status, "checked_in");
  EXPECT_EQ(rows[0].kioskName, "Main gate");
  q = {};
  q.unit = "a-101";
  EXPECT_EQ(s.search(q).size(), 2u);
  q.status = "pending";
  EXPECT_EQ(s.search(q).size(), 1u);
  q = {};
  q.kioskId = demo_.kiosks[1].kioskId;
  EXPECT_EQ(s.search(q).size(), 1u);
  q = {};
  q.from = std::chrono::system_clock::now() + std::chrono::hours(1);
  EXPECT_TRUE(s.search(q).empty());
  q = {};
  q.name = "100%_";  // wildcards are literal
  EXPECT_TRUE(s.search(q).empty());
  // Another estate's guard sees nothing of Harbour View.
  auto& other = store(personId("guard@hillside.example"));
  EXPECT_TRUE(other.search({}).empty());
  // A resident may not search at all.
  EXPECT_ANY_THROW(store(personId(demo_.residentEmails[0])).search({}));
}

TEST_F(ActionsTest, NameSearchUsesTheTrigramIndex) {
  owner_->exec(
      "SET session_replication_role = replica");  // bulk history: skip audit/NOTIFY triggers
  owner_->exec(R"sql(
    WITH vs AS (
      INSERT INTO gh.visitor (estate_id, full_name)
      SELECT $1, 'Visitor ' || md5(g::text) FROM generate_series(1, 20000) g RETURNING id)
    INSERT INTO gh.visit (id, estate_id, unit_id, visitor_id, status, requested_at)
    SELECT gen_random_uuid(), $1, $2, id, 'expired', now() - make_interval(mins => id::int) FROM vs)sql",
               {demo_.estateId, unitId("A-101")});
  owner_->exec("SET session_replication_role = origin");
  owner_->exec("ANALYZE gh.visitor");
  owner_->exec("ANALYZE gh.visit");
  auto plan = owner_->exec(
      "EXPLAIN WITH m AS MATERIALIZED (SELECT id, full_name FROM gh.visitor WHERE estate_id = $1 "
      "AND lower(full_name) LIKE '%abcde%') SELECT v.id, m.full_name FROM m JOIN gh.visit v ON "
      "v.visitor_id = m.id "
      "WHERE v.estate_id = $1 ORDER BY v.requested_at DESC LIMIT 100",
      {demo_.estateId});
  std::string text;
  for (std::size_t i = 0; i < plan.size(); ++i) text += plan[i].text(0) + "\n";
  EXPECT_NE(text.find("visitor_name_trgm_idx"), std::string::npos) << text;
  // And the function a guard calls finds the one match among 20,000.
  const std::string name = scalar(
      "SELECT full_name FROM gh.visitor WHERE full_name LIKE 'Visitor %' ORDER BY id LIMIT 1");
  HistoryQuery q;
  q.name = name.substr(8, 12);
  auto found = store(guard_).search(q);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].visitorName, name);
  // A common substring takes the other path (newest visits first) and still honours the limit.
  q.name = "visitor";
  q.limit = 50;
  EXPECT_EQ(store(guard_).search(q).size(), 50u);
}

TEST_F(ActionsTest, SignInWithPasswordAndTotp) {
  const std::string secret = enableTotp(demo_.guardEmails[0]);
  auto refused = [&](const std::string& password, const std::string& code) {
    ServerClient c(serverOptions());
    try {
      c.login(demo_.guardEmails[0], password, code);
      return std::string("signed in");
    } catch (const BackendError& e) {
      return e.code();
    }
  };
  // Wrong password, no code, a wrong code: the same answer, nothing to tell them apart.
  EXPECT_EQ(refused("wrong", codeFor(secret)), "invalid_credentials");
  EXPECT_EQ(refused("gatehouse-demo", ""), "invalid_credentials");
  EXPECT_EQ(refused("gatehouse-demo", "000000"), "invalid_credentials");
  ServerClient c(serverOptions());
  const Session s = c.login(demo_.guardEmails[0], "gatehouse-demo", codeFor(secret));
  EXPECT_EQ(s.personId, guard_);
  EXPECT_EQ(s.role, "guard");
  const Session me = c.session();
  EXPECT_EQ(me.fullName, "Grace Guard");
  EXPECT_EQ(me.estateName, "Harbour View");
  EXPECT_EQ(me.estateId, demo_.estateId);
}

TEST_F(ActionsTest, ReportCountsDecisionsDenialsAndTimeoutsPerKioskAndExports) {
  auto& g = store(guard_);
  const Uuid a = walkIn(0, "R One");
  const Uuid b = walkIn(0, "R Two");
  const Uuid c = walkIn(1, "R Three");
  walkIn(1, "R Four");
  g.decide(a, true, "called the resident");
  g.decide(b, false, "resident not home");
  kiosks_[1]->raiseAlert("approval_timeout", c);
  owner_->exec("UPDATE gh.visit SET escalated_at = now() WHERE id = $1", {c});  // as escalate()
  g.decide(c, true, "delivery left at gate");
  const auto now = std::chrono::system_clock::now();
  HistoryQuery q;
  q.from = now - std::chrono::hours(24);
  q.to = now + std::chrono::minutes(1);
  q.limit = 1000;
  const Report r = buildReport(store(admin_).search(q), *q.from, *q.to);
  EXPECT_EQ(r.visits, 4);
  EXPECT_EQ(r.decided, 3);
  EXPECT_NEAR(r.denialRate, 1.0 / 3, 1e-9);
  EXPECT_NEAR(r.timeoutRate, 1.0 / 4, 1e-9);  // "escalated" on /api/staff/history rows
  EXPECT_GE(r.p90DecisionS, r.avgDecisionS * 0.5);
  ASSERT_EQ(r.perKiosk.size(), 2u);
  EXPECT_EQ(r.perKiosk[0].kiosk, "Building A lobby");
  EXPECT_EQ(r.perKiosk[0].visits, 2);
  EXPECT_EQ(r.perKiosk[1].kiosk, "Main gate");
  EXPECT_NEAR(r.perKiosk[1].denialRate, 0.5, 1e-9);
  EXPECT_NEAR(r.perKiosk[0].timeoutRate, 0.5, 1e-9);  // "R Three" came in at the lobby
  int cells = 0;
  for (const auto& d : r.perHourOfWeek)
    for (int n : d) cells += n;
  EXPECT_EQ(cells, 4);
  ASSERT_EQ(r.perDay.size(), 1u);
  EXPECT_EQ(r.perDay[0].second, 4);

  const std::string csv = reportCsv(r);
  EXPECT_NE(csv.find("summary,visits,4"), std::string::npos) << csv;
  EXPECT_NE(csv.find("Main gate,2,"), std::string::npos) << csv;
  const std::string pdf = (dir_ / "report.pdf").string();
  ASSERT_TRUE(writeReportPdf(r, "Harbour View", pdf));
  const std::string text = run("pdftotext -layout '" + pdf + "' -");
  EXPECT_NE(text.find("Visitor report - Harbour View"), std::string::npos) << text;
  EXPECT_NE(text.find("Building A lobby"), std::string::npos) << text;
}

TEST_F(ActionsTest, WatchlistManagementIsForAdminsAndCountsHits) {
  auto& admin = store(admin_);
  EXPECT_THROW(store(guard_).watchlistAdd("Someone", "reason"), BackendError);
  EXPECT_THROW(admin.watchlistAdd("Someone", ""), BackendError);  // a reason is required
  const Uuid v = walkIn(0, "Fred Fraud");
  const auto fromVisit = admin.watchlistAddFromVisit(v, "used a fake pass");
  walkIn(1, "fraud fred");
  auto list = admin.watchlist();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, fromVisit);
  EXPECT_EQ(list[0].fullName, "Fred Fraud");
  EXPECT_EQ(list[0].nameKey, "fraud fred");
  EXPECT_EQ(list[0].addedBy, "Ada Admin");
  EXPECT_EQ(list[0].hits, 1);
  EXPECT_EQ(admin.watchlistHits(fromVisit).size(), 1u);
  admin.watchlistSetActive(fromVisit, false);
  const Uuid after = walkIn(1, "Fred Fraud");
  EXPECT_EQ(scalar("SELECT held::text FROM gh.visit WHERE id = $1", {after}), "false");
  EXPECT_FALSE(admin.watchlist()[0].active);
}

TEST_F(ActionsTest, ResidentReportBecomesAnAlert) {
  const Uuid v = walkIn(0, "Shady Character", "A-101");
  const auto resident = personId("a-101@harbour.example");
  owner_->asPerson(resident, [&](Connection& tx) {
    tx.exec(
        "INSERT INTO gh.report (estate_id, visit_id, reporter_id, reason) VALUES ($1, $2, $3, "
        "'tried doors')",
        {demo_.estateId, v, resident});
  });
  auto alerts = store(guard_).openAlerts();
  ASSERT_FALSE(alerts.empty());
  EXPECT_EQ(alerts[0].kind, "report");
  EXPECT_NE(alerts[0].summary.find("tried doors"), std::string::npos) << alerts[0].summary;
  EXPECT_EQ(scalar("SELECT count(*) FROM gh.alert WHERE kind = 'report' AND visit_id = $1", {v}),
            "1");  // once
}

}  // namespace
}  // namespace gatehouse::console::test
