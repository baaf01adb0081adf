// Privacy against a real database: purge of every category with an injected clock, legal hold,
// the chain after purge and erasure, subject export/erase, and signed evidence export.
#include "gatehouse/backend/privacy.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "backend_fixture.hpp"
#include "gatehouse/backend/evidence_export.hpp"
#include "gatehouse/backend/privacy_admin.hpp"
#include "gatehouse/backend/subject.hpp"
#include "gatehouse/core/base64url.hpp"
#include "gatehouse/core/document_hash.hpp"
#include "gatehouse/evidence/bundle.hpp"

using namespace gatehouse;
using namespace gatehouse::backend;
using namespace gatehouse::backend::test;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

const std::string kPepper = "harbour-view-test-pepper-0123456789";

class PrivacyTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    std::string tmpl = (fs::temp_directory_path() / "gh-privacy-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    tmp_ = tmpl;
  }
  void TearDown() override {
    fs::remove_all(tmp_);
    BackendTest::TearDown();
  }

  // A finished walk-in with `photos` photos; `doc` is a document number (hashed) or empty.
  Uuid visitWithPhotos(const std::string& name, int photos, const std::string& doc = {},
                       const std::string& phone = "+1 555 0100") {
    auto r = walkIn("A-101", name);
    r.visitorPhone = phone;
    if (!doc.empty()) {
      r.documentType = "mrz_td3";
      r.documentHash = documentHash(kPepper, doc);
    }
    kiosk_->requestVisit(r);
    for (int i = 0; i < photos; ++i)
      addPhoto(r.visitId, i == 0 ? EvidenceKind::EntryPhoto : EvidenceKind::ExitPhoto);
    kiosk_->cancel(r.visitId);
    return r.visitId;
  }
  void addPhoto(const Uuid& visit, EvidenceKind kind = EvidenceKind::EntryPhoto) {
    const auto tag = Uuid::random().toString();
    Bytes data{0xFF, 0xD8};
    data.insert(data.end(), tag.begin(), tag.end());
    kiosk_->addEvidence({Uuid::random(), visit, kind, "image/jpeg", data, system_clock::now()});
  }
  PurgeRun purgeAt(days d, int batch = 500) {
    return runRetentionPurge(*owner_, system_clock::now() + d, batch);
  }
  std::int64_t photosLeft() {
    return count("SELECT count(*) AS n FROM gh.evidence WHERE data IS NOT NULL");
  }
  void asGuard(const std::function<void(Connection&)>& body) {
    auto c = server();
    c.asPerson(personId(demo_.guardEmails.front()), body);
  }
  ChainReport chain() { return verifyChain(*owner_, demo_.estateId, demo_.kiosks[0].kioskId); }

  fs::path tmp_;
};

TEST_F(PrivacyTest, TheDemoEstateHasTheDefaultRetention) {
  const auto r = getRetention(*owner_, demo_.estateId);
  EXPECT_EQ(r.photosDays, 30);
  EXPECT_EQ(r.idDataDays, 30);
  EXPECT_EQ(r.namesDays, 365);
  EXPECT_EQ(r.notificationsDays, 90);
  gatehouse::SigningKey key;  // a new estate's signing secret goes to its key file, not here
  EXPECT_EQ(getRetention(*owner_, createEstate(*owner_, "New Estate", "UTC", key)).namesDays, 365);
}

TEST_F(PrivacyTest, RetentionIsSetByAnAdminOnlyAndValidated) {
  const auto r = setRetention(*owner_, demo_.estateId, {7, std::nullopt, 100, std::nullopt});
  EXPECT_EQ(r.photosDays, 7);
  EXPECT_EQ(r.idDataDays, 30);
  EXPECT_EQ(r.namesDays, 100);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.audit_log WHERE action = 'retention.set'"), 1);
  try {
    setRetention(*owner_, demo_.estateId, {0, {}, {}, {}});
    FAIL() << "0 days accepted";
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
  }
  asGuard([&](Connection& tx) {
    EXPECT_THROW(setRetention(tx, demo_.estateId, {5, {}, {}, {}}), backend::Error);
  });
  auto c = server();
  c.asPerson(personId(demo_.adminEmail), [&](Connection& tx) {
    setRetention(tx, demo_.estateId, {5, {}, {}, {}});
  });
  EXPECT_EQ(getRetention(*owner_, demo_.estateId).photosDays, 5);
}

TEST_F(PrivacyTest, PurgeTakesEveryCategoryAtItsDefaultAgeOnceAndAuditsIt) {
  const auto visit = visitWithPhotos("Vera Visitor", 2, "L898902C3");
  owner_->exec(
      "INSERT INTO gh.portal_session (token_hash, person_id, csrf_token, expires_at) VALUES "
      "(repeat('a', 64), $1, 'c', now() + interval '1 day'), "
      "(repeat('b', 64), $1, 'c', now() + interval '1000 days')",
      {personId(demo_.residentEmails.front())});
  owner_->exec(
      "INSERT INTO gh.portal_reset_token (token_hash, person_id, expires_at) VALUES "
      "(repeat('c', 64), $1, now() + interval '1 hour')",
      {personId(demo_.residentEmails.front())});
  const auto notifications = count("SELECT count(*) AS n FROM gh.notification");
  ASSERT_GT(notifications, 0);

  auto run = purgeAt(days(29));
  EXPECT_EQ(run.purged["photos"], 0);
  EXPECT_EQ(run.purged["id_data"], 0);
  EXPECT_EQ(run.purged["tokens"], 2);  // the expired session and reset token, at once

  run = purgeAt(days(31), 1);  // batches of one row
  EXPECT_EQ(run.purged["photos"], 2);
  EXPECT_EQ(run.purged["id_data"], 1);
  EXPECT_EQ(run.purged["names"], 0);
  EXPECT_EQ(run.purged["notifications"], 0);
  EXPECT_GE(run.batches, 3);
  EXPECT_EQ(photosLeft(), 0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.evidence WHERE sha256 IS NOT NULL"), 2);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.visitor WHERE document_hash IS NOT NULL"), 0);
  const auto cutoff =
      owner_
          ->exec(
              "SELECT to_char((now() + interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d")[0]
          .text("d");
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.audit_log WHERE action = 'retention.purge' AND "
                  "details->>'message' LIKE 'purged 2 photos older than %'"),
            1);
  EXPECT_FALSE(cutoff.empty());
  const auto c = chain();
  EXPECT_FALSE(c.brokenAt);
  EXPECT_EQ(c.items, 2);
  EXPECT_EQ(c.purged, 2);

  const auto audits = count("SELECT count(*) AS n FROM gh.audit_log");
  run = purgeAt(days(31));  // idempotent: nothing left, nothing audited
  for (const auto& [cat, n] : run.purged) EXPECT_EQ(n, 0) << cat;
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.audit_log"), audits);

  EXPECT_EQ(purgeAt(days(91)).purged["notifications"], notifications);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.notification"), 0);

  EXPECT_EQ(purgeAt(days(366)).purged["names"], 1);
  auto v = owner_->exec(
      "SELECT vr.full_name, vr.phone, v.anonymised_at FROM gh.visit v JOIN gh.visitor vr "
      "ON vr.id = v.visitor_id WHERE v.id = $1",
      {visit})[0];
  EXPECT_EQ(v.text("full_name"), "(anonymised)");
  EXPECT_TRUE(v.isNull("phone"));
  EXPECT_FALSE(v.isNull("anonymised_at"));
  // The audit log is kept, with the personal fields of the visit redacted.
  EXPECT_GT(count("SELECT count(*) AS n FROM gh.audit_log WHERE subject = $1", {visit.toString()}),
            0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.audit_log WHERE subject = $1 AND details ?| "
                  "array['name','phone','reason','visitor']",
                  {visit.toString()}),
            0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.portal_session"), 1);  // the live one
  EXPECT_FALSE(chain().brokenAt);
}

TEST_F(PrivacyTest, AnonymisingRedactsWatchlistAlertsWithoutAcknowledgingThem) {
  owner_->exec(
      "INSERT INTO gh.watchlist (estate_id, full_name, name_key, reason) VALUES ($1, 'Wanda "
      "Watched', gh.name_key('Wanda Watched'), 'Trespass')",
      {demo_.estateId});
  const auto visit = visitWithPhotos("Wanda Watched", 0);
  ASSERT_EQ(
      count("SELECT count(*) AS n FROM gh.alert WHERE visit_id = $1 AND details ? 'name'", {visit}),
      1);
  const auto acknowledged = [&] {
    return count("SELECT count(*) AS n FROM gh.audit_log WHERE action = 'alert.acknowledged'");
  };
  const auto before = acknowledged();
  const auto open =
      count("SELECT count(*) AS n FROM gh.alert WHERE visit_id = $1 AND acknowledged_at IS NULL",
            {visit});
  EXPECT_EQ(purgeAt(days(366)).purged["names"], 1);
  EXPECT_EQ(
      count("SELECT count(*) AS n FROM gh.alert WHERE visit_id = $1 AND details ? 'name'", {visit}),
      0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE visit_id = $1 AND acknowledged_at IS "
                  "NULL",
                  {visit}),
            open);
  EXPECT_EQ(acknowledged(), before)
      << owner_
             ->exec(
                 "SELECT string_agg(action || ' ' || coalesce(subject, '') || ' ' || "
                 "details::text, E'\\n' "
                 "ORDER BY id) AS s FROM gh.audit_log")[0]
             .text("s");
}

TEST_F(PrivacyTest, TheAuditLogAndEvidenceStayAppendOnlyBeyondPurgeAndRedaction) {
  const auto visit = visitWithPhotos("Vera Visitor", 1);
  // Changing evidence in any other way, or deleting it, is still refused.
  EXPECT_THROW(owner_->exec("UPDATE gh.evidence SET sha256 = 'x' WHERE visit_id = $1", {visit}),
               backend::Error);
  EXPECT_THROW(owner_->exec("UPDATE gh.evidence SET data = NULL, purged_at = now(), kind = "
                            "'badge' WHERE visit_id = $1",
                            {visit}),
               backend::Error);
  EXPECT_THROW(owner_->exec("DELETE FROM gh.evidence WHERE visit_id = $1", {visit}),
               backend::Error);
  EXPECT_THROW(
      owner_->exec("UPDATE gh.audit_log SET details = '{}' WHERE subject = $1", {visit.toString()}),
      backend::Error);
  EXPECT_THROW(
      owner_->exec("UPDATE gh.audit_log SET action = 'x' WHERE subject = $1", {visit.toString()}),
      backend::Error);
}

TEST_F(PrivacyTest, ALegalHoldExemptsAVisitUntilReleasedAndBothAreAudited) {
  const auto held = visitWithPhotos("Harry Held", 1);
  visitWithPhotos("Olive Other", 1);
  asGuard([&](Connection& tx) { placeHold(tx, held, "Police request 2026/117"); });
  asGuard([&](Connection& tx) {
    try {
      placeHold(tx, held, "again");
      FAIL() << "second hold accepted";
    } catch (const backend::Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Conflict);
    }
  });
  EXPECT_EQ(purgeAt(days(400)).purged["photos"], 1);
  EXPECT_EQ(photosLeft(), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.evidence WHERE visit_id = $1 AND data IS NOT "
                  "NULL",
                  {held}),
            1);
  EXPECT_NE(owner_
                ->exec("SELECT vr.full_name FROM gh.visit v JOIN gh.visitor vr ON vr.id = "
                       "v.visitor_id WHERE v.id = $1",
                       {held})[0]
                .text("full_name"),
            "(anonymised)");
  asGuard([&](Connection& tx) { releaseHold(tx, held, "Case closed"); });
  EXPECT_EQ(purgeAt(days(400)).purged["photos"], 1);
  EXPECT_EQ(photosLeft(), 0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.audit_log WHERE subject = $1 AND action IN "
                  "('hold.placed', 'hold.released')",
                  {held.toString()}),
            2);
}

TEST_F(PrivacyTest, HoldsNeedStaffOfTheEstateAndAReason) {
  const auto visit = visitWithPhotos("Vera Visitor", 0);
  auto c = server();
  c.asPerson(personId(demo_.residentEmails.front()), [&](Connection& tx) {
    try {
      placeHold(tx, visit, "mine");
      FAIL();
    } catch (const backend::Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Forbidden);
    }
  });
  c.asPerson(personId("guard@hillside.example"), [&](Connection& tx) {
    EXPECT_THROW(placeHold(tx, visit, "other estate"), backend::Error);
  });
  // The client role with no person set is not an operator.
  EXPECT_THROW(placeHold(c, visit, "no one"), backend::Error);
  EXPECT_THROW(setRetention(c, demo_.estateId, {5, {}, {}, {}}), backend::Error);
  try {
    placeHold(*owner_, visit, "");
    FAIL() << "empty reason accepted";
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
  }
  try {
    releaseHold(*owner_, visit, "nothing to release");
    FAIL();
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
  }
}

// Alerts carry photos too (0610: face_not_found, guard_called): they follow the photo
// retention and holds, and keep the photo's sha256 and when it went.
TEST_F(PrivacyTest, PurgeClearsAlertPhotosByThePhotoRetentionAndHoldsExemptThem) {
  const Bytes jpeg{0xFF, 0xD8, 0xFF, 0xE0, 'a', 'l', 'e', 'r', 't'};
  const auto held = visitWithPhotos("Hilda Held", 0);
  const auto free = visitWithPhotos("Fred Free", 0);
  const auto onHeld = kiosk_->raiseAlert(Uuid::random(), "guard_called", held, "{}", jpeg);
  const auto onFree = kiosk_->raiseAlert(Uuid::random(), "face_not_found", free, "{}", jpeg);
  const auto noVisit =
      kiosk_->raiseAlert(Uuid::random(), "guard_called", std::nullopt, R"({"screen":"x"})", jpeg);
  kiosk_->raiseAlert(Uuid::random(), "lost_badge", std::nullopt, "{}");  // no photo
  asGuard([&](Connection& tx) { placeHold(tx, held, "Incident 2026/9"); });
  auto alertPhotos = [&] {
    return count("SELECT count(*) AS n FROM gh.alert WHERE photo_jpeg IS NOT NULL");
  };

  EXPECT_EQ(purgeAt(days(29)).purged["photos"], 0);
  EXPECT_EQ(alertPhotos(), 3);
  auto run = purgeAt(days(31), 1);  // batches of one row
  EXPECT_EQ(run.purged["photos"], 2);
  EXPECT_EQ(alertPhotos(), 1);
  const auto sha = sha256Hex(std::string(jpeg.begin(), jpeg.end()));
  for (const auto id : {onFree, noVisit}) {
    const auto r = owner_->exec(
        "SELECT photo_jpeg IS NULL AS gone, photo_sha256, photo_purged_at IS NOT NULL AS marked "
        "FROM gh.alert WHERE id = $1",
        {id})[0];
    EXPECT_TRUE(r.boolean("gone"));
    EXPECT_EQ(r.text("photo_sha256"), sha);
    EXPECT_TRUE(r.boolean("marked"));
  }
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE id = $1 AND photo_jpeg IS NOT NULL",
                  {onHeld}),
            1);
  EXPECT_NE(owner_
                ->exec("SELECT details->>'message' AS m FROM gh.audit_log WHERE action = "
                       "'retention.purge' AND subject = 'photos'")[0]
                .text("m")
                .find("purged 2 photos"),
            std::string::npos);
  EXPECT_EQ(purgeAt(days(31)).purged["photos"], 0);  // idempotent

  // Released, the held visit's alert photo goes with the next run.
  asGuard([&](Connection& tx) { releaseHold(tx, held, "Closed"); });
  EXPECT_EQ(purgeAt(days(31)).purged["photos"], 1);
  EXPECT_EQ(alertPhotos(), 0);
}

TEST_F(PrivacyTest, SubjectEraseAlsoDeletesTheirAlertPhotos) {
  const Bytes jpeg{0xFF, 0xD8, 0xFF, 0xE0, 'e'};
  const auto gone = visitWithPhotos("Erik Alert", 1);
  const auto kept = visitWithPhotos("Kara Kept", 0);
  kiosk_->raiseAlert(Uuid::random(), "face_not_found", gone, "{}", jpeg);
  const auto other = kiosk_->raiseAlert(Uuid::random(), "face_not_found", kept, "{}", jpeg);
  const auto r = eraseSubject(*owner_, {demo_.estateId, "Erik Alert", "", "", {}});
  EXPECT_EQ(r.visits, 1);
  EXPECT_EQ(r.photos, 1);
  EXPECT_EQ(r.alertPhotos, 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE photo_jpeg IS NOT NULL"), 1);
  EXPECT_EQ(
      count("SELECT count(*) AS n FROM gh.alert WHERE id = $1 AND photo_jpeg IS NOT NULL", {other}),
      1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE visit_id = $1 AND photo_sha256 IS "
                  "NOT NULL AND photo_purged_at IS NOT NULL",
                  {gone}),
            1);
  EXPECT_EQ(owner_
                ->exec("SELECT details->>'alert_photos_deleted' AS n FROM gh.audit_log WHERE "
                       "action = 'subject.erase'")[0]
                .text("n"),
            "1");
}

TEST_F(PrivacyTest, SubjectExportHoldsEveryVisitOfThePersonAndNothingElse) {
  visitWithPhotos("Olga Petrova", 1, "X1234567", "+44 20 7946 0001");
  visitWithPhotos("petrova olga", 2, "", "+44 20 7946 0001");
  visitWithPhotos("Olga Petrova", 1, "", "+7 900 000 0000");
  visitWithPhotos("Someone Else", 1);
  const auto tar = tmp_ / "olga.tar";
  const auto r =
      exportSubject(*owner_, {demo_.estateId, "Olga  Petrova", "", "", {}}, tar.string());
  EXPECT_EQ(r.visits, 3);
  EXPECT_EQ(r.photos, 4);
  const auto out = tmp_ / "x";
  fs::create_directories(out);
  ASSERT_EQ(std::system(("tar -xf " + tar.string() + " -C " + out.string()).c_str()), 0);
  std::ifstream in(out / "subject.json");
  const auto doc = nlohmann::json::parse(in);
  ASSERT_EQ(doc["visits"].size(), 3u);
  for (const auto& v : doc["visits"]) {
    EXPECT_NE(v["visitor"]["full_name"].get<std::string>().find("lga"), std::string::npos);
    EXPECT_FALSE(v["evidence"].empty());
    EXPECT_FALSE(v["audit"].empty());
    EXPECT_FALSE(v["visit"].contains("exit_token_hash"));
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(out / "photos"), fs::directory_iterator()), 4);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.audit_log WHERE action = 'subject.export'"), 1);
  // By phone (digits only) and by document number (hash, spacing ignored).
  EXPECT_EQ(findSubjectVisits(*owner_, {demo_.estateId, "", "+44 (20) 7946-0001", "", {}}).size(),
            2u);
  EXPECT_EQ(findSubjectVisits(*owner_, {demo_.estateId, "", "", "x123 4567", kPepper}).size(), 1u);
  EXPECT_TRUE(findSubjectVisits(*owner_, {demo_.estateId, "", "", "x123 4567", kPepper + "-other"})
                  .empty());
  EXPECT_THROW(findSubjectVisits(*owner_, {demo_.estateId, "", "", "x123 4567", {}}),
               backend::Error);
  EXPECT_THROW(findSubjectVisits(*owner_, {demo_.estateId, "", "", "", {}}), backend::Error);
  EXPECT_THROW(exportSubject(*owner_, {demo_.estateId, "Olga Petrova", "", "", {}}, tar.string()),
               backend::Error);  // never overwrites
}

TEST_F(PrivacyTest, SubjectEraseIsRefusedUnderHoldThenAnonymisesAndKeepsTheChain) {
  const auto a = visitWithPhotos("Erin Erase", 2);
  visitWithPhotos("Erin Erase", 1);
  const auto keep = visitWithPhotos("Kept Person", 1);
  placeHold(*owner_, a, "Dispute");
  const SubjectQuery q{demo_.estateId, "Erin Erase", "", "", {}};
  try {
    eraseSubject(*owner_, q);
    FAIL() << "erased under hold";
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Conflict);
  }
  EXPECT_EQ(photosLeft(), 4);
  releaseHold(*owner_, a, "Resolved");
  const auto r = eraseSubject(*owner_, q);
  EXPECT_EQ(r.visits, 2);
  EXPECT_EQ(r.photos, 3);
  EXPECT_EQ(photosLeft(), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.evidence WHERE visit_id = $1 AND data IS NOT NULL",
                  {keep}),
            1);
  EXPECT_TRUE(findSubjectVisits(*owner_, q).empty());
  const auto c = chain();
  EXPECT_FALSE(c.brokenAt);
  EXPECT_EQ(c.items, 4);
  EXPECT_EQ(c.purged, 3);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.audit_log WHERE action = 'subject.erase'"), 1);
}

TEST_F(PrivacyTest, EvidenceExportOfAVisitVerifiesWithNoDatabaseAndRefusesOtherKeys) {
  auto r = walkIn("A-101", "Eve Evidence");
  kiosk_->requestVisit(r);
  addPhoto(r.visitId, EvidenceKind::EntryPhoto);
  visitWithPhotos("Between Us", 1);  // another visit's item between the two photos
  addPhoto(r.visitId, EvidenceKind::ExitPhoto);
  const auto keyFile = (tmp_ / "evidence-key").string();
  const auto pub = initEvidenceKey(*owner_, demo_.estateId, keyFile);
  EXPECT_EQ(evidencePublicKey(*owner_, demo_.estateId), pub);
  const auto key = evidence::loadKeyFile(keyFile);
  ASSERT_TRUE(key);

  const auto dir = (tmp_ / "bundle").string();
  const auto out = exportEvidence(*owner_, {r.visitId, {}, {}, {}}, *key, dir);
  EXPECT_EQ(out.photos, 2);
  EXPECT_EQ(out.links, 3);
  const auto report = evidence::verifyBundle(dir, key->publicKey);
  ASSERT_TRUE(report.ok) << report.problems.front();
  EXPECT_EQ(report.photos, 2);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.audit_log WHERE action = 'evidence.export'"), 1);
  // --out FILE.tar: the one-file form the staff route sends; never overwritten.
  const auto tar = (tmp_ / "bundle.tar").string();
  EXPECT_EQ(exportEvidence(*owner_, {r.visitId, {}, {}, {}}, *key, tar).photos, 2);
  EXPECT_TRUE(evidence::verifyBundle(tar, key->publicKey).ok);
  EXPECT_THROW(exportEvidence(*owner_, {r.visitId, {}, {}, {}}, *key, tar), backend::Error);

  // The verify program, with no database settings at all, accepts it; a tampered copy fails.
  const std::string bin =
      std::string(std::getenv("GATEHOUSE_BINARY_DIR")) + "/evidence/gatehouse-verify";
  const std::string cmd = "env -i " + bin + " " + dir + " --public-key " + pub + " > /dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  const auto record = dir + "/records/visit-" + r.visitId.toString() + ".json";
  std::ofstream(record, std::ios::app) << " ";
  EXPECT_NE(std::system(cmd.c_str()), 0);

  // A key of another estate, or one not registered, is refused.
  const auto otherFile = (tmp_ / "other-key").string();
  initEvidenceKey(*owner_, demo_.otherEstateId, otherFile);
  try {
    exportEvidence(*owner_, {r.visitId, {}, {}, {}}, *evidence::loadKeyFile(otherFile),
                   (tmp_ / "b2").string());
    FAIL() << "another estate's key accepted";
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Forbidden);
  }
}

TEST_F(PrivacyTest, TheConsoleChainVerifiesAndExportsLikeAKiosksChain) {
  const auto visit = Uuid::random();
  asGuard([&](Connection& tx) {
    tx.exec(
        "SELECT gh.console_manual_entry($1, $2, 'Manual Mary', '', 'Visit', 'Kiosk down', "
        "'\\xffd8ffd9'::bytea)",
        {visit, unitId("A-101")});
  });
  auto c = verifyChain(*owner_, demo_.estateId, std::nullopt);
  EXPECT_FALSE(c.brokenAt);
  EXPECT_EQ(c.items, 1);
  const auto keyFile = (tmp_ / "k").string();
  initEvidenceKey(*owner_, demo_.estateId, keyFile);
  const auto key = *evidence::loadKeyFile(keyFile);
  const auto dir = (tmp_ / "console").string();
  EXPECT_EQ(exportEvidence(*owner_, {visit, {}, {}, {}}, key, dir).photos, 1);
  const auto report = evidence::verifyBundle(dir, key.publicKey);
  ASSERT_TRUE(report.ok) << report.problems.front();
  EXPECT_NE(report.proven.back().find("was taken by the console"), std::string::npos)
      << report.proven.back();
  EXPECT_EQ(eraseSubject(*owner_, {demo_.estateId, "Manual Mary", "", "", {}}).photos, 1);
  c = verifyChain(*owner_, demo_.estateId, std::nullopt);
  EXPECT_FALSE(c.brokenAt);
  EXPECT_EQ(c.purged, 1);
}

TEST_F(PrivacyTest, EvidenceExportAfterPurgeStillVerifiesAndCountsThePurgedItems) {
  const auto visit = visitWithPhotos("Paul Purged", 2);
  purgeAt(days(31));
  const auto keyFile = (tmp_ / "k").string();
  initEvidenceKey(*owner_, demo_.estateId, keyFile);
  const auto key = *evidence::loadKeyFile(keyFile);
  const auto kioskDir = (tmp_ / "kiosk").string();
  exportEvidence(*owner_,
                 {{}, demo_.kiosks[0].kioskId, "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z"}, key,
                 kioskDir);
  const auto report = evidence::verifyBundle(kioskDir, key.publicKey);
  ASSERT_TRUE(report.ok) << report.problems.front();
  EXPECT_EQ(report.photos, 0);
  EXPECT_EQ(report.purged, 2);
  try {
    exportEvidence(*owner_, {}, key, (tmp_ / "none").string());
    FAIL();
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
  }
  (void)visit;
}

TEST_F(PrivacyTest, TheAdminCommandsRefuseBadInputClearlyAndChangeNothing) {
  const auto estate = std::to_string(demo_.estateId);
  auto run = [&](std::vector<std::string> pos, std::map<std::string, std::string> opts) {
    std::ostringstream out;
    const auto rc = runPrivacyCommand(*owner_, pos, opts, out);
    return std::make_pair(rc, out.str());
  };
  auto refused = [&](std::vector<std::string> pos, std::map<std::string, std::string> opts,
                     const std::string& why) {
    try {
      run(pos, opts);
      ADD_FAILURE() << "accepted: " << pos[0] << " (" << why << ")";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  };
  refused({"retention", "set"}, {{"estate", estate}, {"photos-days", "abc"}}, "whole number");
  refused({"retention", "set"}, {{"estate", estate}, {"photos-days", "0"}}, "1 to 3650");
  refused({"retention", "set"}, {{"estate", estate}}, "at least one");
  refused({"retention", "show"}, {}, "missing --estate");
  refused({"retention", "drop"}, {{"estate", estate}}, "show or set");
  refused({"hold", "place"}, {{"visit", "not-a-uuid"}, {"reason", "x"}}, "not a UUID");
  refused({"subject-erase"}, {{"estate", estate}, {"name", "Vera Visitor"}}, "--confirm ERASE");
  refused({"purge"}, {{"batch", "0"}}, "1 to 10000");
  EXPECT_EQ(getRetention(*owner_, demo_.estateId).photosDays, 30);  // nothing changed
  EXPECT_FALSE(run({"no-such-command"}, {}).first);

  auto [rc, out] = run({"retention", "set"}, {{"estate", estate}, {"photos-days", "14"}});
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("photos 14 days"), std::string::npos) << out;
  const auto visit = visitWithPhotos("Vera Visitor", 1);
  std::tie(rc, out) =
      run({"hold", "place"}, {{"visit", visit.toString()}, {"reason", "Insurance claim"}});
  EXPECT_NE(out.find("placed on visit"), std::string::npos) << out;
  std::tie(rc, out) = run({"verify-chain"},
                          {{"estate", estate}, {"kiosk", std::to_string(demo_.kiosks[0].kioskId)}});
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("chain intact: 1 item(s), 0 purged"), std::string::npos) << out;
  const auto key = (tmp_ / "key").string();
  std::tie(rc, out) = run({"evidence-key", "init"}, {{"estate", estate}, {"out", key}});
  EXPECT_EQ(out.rfind("public_key=", 0), 0u) << out;
  std::tie(rc, out) =
      run({"evidence-export"},
          {{"visit", visit.toString()}, {"key", key}, {"out", (tmp_ / "b").string()}});
  EXPECT_NE(out.find("1 photo(s)"), std::string::npos) << out;
  refused({"evidence-export"},
          {{"visit", visit.toString()},
           {"key", (tmp_ / "nokey").string()},
           {"out", (tmp_ / "c").string()}},
          "cannot read evidence key file");
}

}  // namespace

// Issue 9: document hashes stored before the pepper (unkeyed sha256) are rekeyed from their
// digests, without the numbers, and the watchlist still catches the document afterwards.
TEST_F(PrivacyTest, RehashRekeysOldDigestsAndAWatchlistedDocumentIsStillCaught) {
  owner_->exec(
      "INSERT INTO gh.watchlist (estate_id, full_name, name_key, document_hash, reason, "
      "document_hash_keyed) VALUES ($1, NULL, NULL, $2, 'banned', false)",
      {demo_.estateId, sha256Hex("X1234567")});
  auto old = walkIn("A-101", "Olive Old");
  old.documentType = "mrz";
  old.documentHash = sha256Hex("L898902C3");
  kiosk_->requestVisit(old);
  owner_->exec("UPDATE gh.visitor SET document_hash_keyed = false WHERE document_hash = $1",
               {sha256Hex("L898902C3")});

  EXPECT_THROW(rehashDocuments(*owner_, "too short"), backend::Error);
  const auto n = rehashDocuments(*owner_, kPepper);
  EXPECT_EQ(n.visitors, 1);
  EXPECT_EQ(n.watchlist, 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.visitor WHERE document_hash = $1",
                  {documentHash(kPepper, "L898902C3")}),
            1);
  EXPECT_EQ(findSubjectVisits(*owner_, {demo_.estateId, "", "", "L898902C3", kPepper}).size(), 1u);

  // A kiosk with the pepper: the watchlisted document is held for the guards.
  auto again = walkIn("A-102", "Someone Else");
  again.documentType = "mrz";
  again.documentHash = documentHash(kPepper, "x123 4567");
  EXPECT_TRUE(kiosk_->requestVisit(again).held);

  // A second run finds nothing left to rekey and changes nothing.
  const auto second = rehashDocuments(*owner_, kPepper);
  EXPECT_EQ(second.visitors, 0);
  EXPECT_EQ(second.watchlist, 0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.watchlist WHERE document_hash = $1",
                  {documentHash(kPepper, "X1234567")}),
            1);
}
