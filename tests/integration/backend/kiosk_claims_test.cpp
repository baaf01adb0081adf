// Issue 9, kiosk claims: a stolen kiosk token acts only on its own visits, its times are
// bounded by what the server saw, its fields are limited, and it cannot pose as a person.
#include <random>

#include "backend_fixture.hpp"

using namespace gatehouse;
using namespace gatehouse::backend;
using namespace gatehouse::backend::test;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::system_clock;

namespace {

class KioskClaims : public BackendTest {
 protected:
  KioskClient kioskAt(std::size_t i) {
    return KioskClient(db_->urlAs("gatehouse_kiosk"),
                       {demo_.kiosks[i].kioskId, demo_.kiosks[i].token});
  }
  KioskClient hillside() {
    return KioskClient(
        db_->urlAs("gatehouse_kiosk"),
        {owner_->exec("SELECT id FROM gh.kiosk WHERE name = 'Hillside gate'")[0].int64("id"),
         "demo-hillside-kiosk-token"});
  }
  void watch(const std::string& name) {
    owner_->exec(
        "INSERT INTO gh.watchlist (estate_id, full_name, name_key, reason) VALUES ($1, $2, "
        "gh.name_key($2), 'banned')",
        {demo_.estateId, name});
  }
  // An invitation created an hour ago, revoked `revokedAgo` ago.
  Uuid revokedInvitation(const std::string& revokedAgo) {
    const auto id = Uuid::random();
    owner_->exec(
        "INSERT INTO gh.invitation (id, estate_id, host_id, unit_id, guest_name, valid_from, "
        "valid_until, max_uses, created_at, revoked_at) VALUES ($1, $2, $3, $4, 'Gina Guest', "
        "now() - interval '1 day', now() + interval '1 day', 0, now() - interval '1 hour', "
        "now() - $5::interval)",
        {id, demo_.estateId, personId("a-101@harbour.example"), unitId("A-101"), revokedAgo});
    return id;
  }
  // The kiosk was last in contact `ago`: its next call ends an outage.
  void lastContact(std::size_t kiosk, const std::string& ago) {
    owner_->exec("UPDATE gh.kiosk SET last_contact = now() - $2::interval WHERE id = $1",
                 {demo_.kiosks[kiosk].kioskId, ago});
  }
  std::string detailOf(const std::function<void()>& f, ErrorKind kind) {
    try {
      f();
    } catch (const backend::Error& e) {
      EXPECT_EQ(e.kind(), kind) << e.what();
      return e.detail();
    }
    return "no error";
  }
  bool ask(const std::string& sql, const Params& params = {}) {
    return owner_->exec(sql, params)[0].boolean("ok");
  }
};

}  // namespace

TEST_F(KioskClaims, AKioskCannotApproveAnotherKiosksVisit) {
  auto other = kioskAt(1);
  const auto r = walkIn();
  other.requestVisit(r);
  const auto guard = personId("guard1@harbour.example");
  EXPECT_EQ(detailOf([&] { kiosk_->guardApprove(r.visitId, guard, "", system_clock::now()); },
                     ErrorKind::NotFound),
            "visit_not_found");
  EXPECT_EQ(detailOf([&] { kiosk_->visitStatus(r.visitId); }, ErrorKind::NotFound),
            "visit_not_found");
  EXPECT_EQ(
      detailOf([&] { kiosk_->raiseAlert("approval_timeout", r.visitId); }, ErrorKind::NotFound),
      "visit_not_found");
  EXPECT_EQ(statusOf(r.visitId), "pending");
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE visit_id = $1", {r.visitId}), 0);
}

TEST_F(KioskClaims, AWatchlistHeldVisitCannotBeApprovedAtAnyKiosk) {
  watch("Ivan Ivanov");
  const auto r = walkIn("A-101", "Ivan Ivanov");
  ASSERT_TRUE(kiosk_->requestVisit(r).held);
  EXPECT_EQ(detailOf(
                [&] {
                  kiosk_->guardApprove(r.visitId, personId("guard1@harbour.example"), "",
                                       system_clock::now());
                },
                ErrorKind::Forbidden),
            "held");
  EXPECT_EQ(statusOf(r.visitId), "pending");
  // Only a guard through the console decides it.
  EXPECT_EQ(decideAs("guard1@harbour.example", r.visitId, true, "checked in person"), "approved");
}

TEST_F(KioskClaims, AnApprovalDatedBeforeTheRequestIsRecordedAtTheRequest) {
  const auto r = walkIn();
  kiosk_->requestVisit(r);
  kiosk_->guardApprove(r.visitId, personId("guard1@harbour.example"), "",
                       system_clock::now() - hours(72));
  EXPECT_TRUE(
      ask("SELECT decided_at >= requested_at AND decided_at <= now() AS ok FROM gh.visit WHERE id "
          "= $1",
          {r.visitId}));
  // Both the claim and the time it arrived are kept.
  EXPECT_TRUE(
      ask("SELECT claimed_at < recorded_at - interval '71 hours' AND received_at >= recorded_at AS "
          "ok FROM gh.kiosk_claim WHERE subject = $1 AND what = 'decided'",
          {r.visitId}));
}

TEST_F(KioskClaims, TimesInTheFutureAreCutToTheServersNow) {
  auto r = walkIn();
  r.requestedAt = system_clock::now() + hours(24 * 365);
  kiosk_->requestVisit(r);
  EXPECT_TRUE(ask("SELECT requested_at <= now() AS ok FROM gh.visit WHERE id = $1", {r.visitId}));
  EXPECT_TRUE(
      ask("SELECT claimed_at > now() + interval '300 days' AS ok FROM gh.kiosk_claim WHERE subject "
          "= $1",
          {r.visitId}));
}

TEST_F(KioskClaims, AfterAnOutageNoClaimIsEarlierThanTheLastContactBeforeIt) {
  lastContact(0, "10 minutes");
  auto r = walkIn();
  r.requestedAt = system_clock::now() - hours(48);
  kiosk_->requestVisit(r);
  EXPECT_TRUE(
      ask("SELECT v.requested_at = k.outage_from AND k.outage_from > now() - interval '11 minutes' "
          "AS ok FROM gh.visit v JOIN gh.kiosk k ON k.id = v.kiosk_id WHERE v.id = $1",
          {r.visitId}));
  // A claim inside the outage is kept as claimed and marked as made offline.
  auto inside = walkIn();
  inside.requestedAt = system_clock::now() - minutes(5);
  kiosk_->requestVisit(inside);
  EXPECT_TRUE(ask(
      "SELECT offline AND recorded_at = claimed_at AS ok FROM gh.kiosk_claim WHERE subject = $1",
      {inside.visitId}));
}

TEST_F(KioskClaims, AUseClaimedBeforeARevocationWhileInContactIsRefusedAndReviewed) {
  kiosk_->heartbeat({"welcome", "{}", 0, "0.1.0"});  // in contact the whole time
  const auto inv = revokedInvitation("10 seconds");
  const auto visit = Uuid::random();
  EXPECT_EQ(detailOf(
                [&] {
                  kiosk_->useInvitation({visit, inv, "", system_clock::now() - minutes(1)});
                },
                ErrorKind::Conflict),
            "revoked");
  EXPECT_EQ(count("SELECT uses AS n FROM gh.invitation WHERE id = $1", {inv}), 0);
  EXPECT_EQ(statusOf(visit), "denied");
  EXPECT_TRUE(
      ask("SELECT details->>'accepted' = 'false' AS ok FROM gh.alert WHERE kind = "
          "'revoked_pass_used' AND visit_id = $1",
          {visit}));
  // A retry gets the same answer and no second alert.
  EXPECT_EQ(detailOf(
                [&] {
                  kiosk_->useInvitation({visit, inv, "", system_clock::now() - minutes(1)});
                },
                ErrorKind::Conflict),
            "revoked");
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'revoked_pass_used'"), 1);
}

TEST_F(KioskClaims, AUseClaimedBeforeARevocationDuringAnOutageIsAcceptedAndReviewed) {
  lastContact(0, "10 minutes");
  const auto inv = revokedInvitation("2 minutes");
  const auto visit = Uuid::random();
  const auto v = kiosk_->useInvitation({visit, inv, "", system_clock::now() - minutes(5)});
  EXPECT_EQ(v.status, VisitStatus::Approved);
  EXPECT_TRUE(
      ask("SELECT details->>'accepted' = 'true' AS ok FROM gh.alert WHERE kind = "
          "'revoked_pass_used' AND visit_id = $1",
          {visit}));
  // A use claimed after the revocation is refused even from an offline kiosk.
  EXPECT_EQ(detailOf(
                [&] {
                  kiosk_->useInvitation(
                      {Uuid::random(), inv, "", system_clock::now() - std::chrono::seconds(30)});
                },
                ErrorKind::Conflict),
            "revoked");
}

TEST_F(KioskClaims, EvidenceIsScopedToTheKioskThatRecordedIt) {
  const auto r = walkIn();
  kiosk_->requestVisit(r);
  const Evidence e{Uuid::random(), r.visitId,      EvidenceKind::EntryPhoto,
                   "image/jpeg",   Bytes{1, 2, 3}, system_clock::now()};
  const auto chain = kiosk_->addEvidence(e);
  auto hill = hillside();
  auto sibling = kioskAt(1);
  // Another estate's kiosk, or another kiosk of the same estate, learns nothing by the id.
  EXPECT_EQ(detailOf([&] { hill.addEvidence(e); }, ErrorKind::Conflict), "duplicate_id");
  EXPECT_EQ(detailOf([&] { sibling.addEvidence(e); }, ErrorKind::Conflict), "duplicate_id");
  Evidence fresh = e;
  fresh.evidenceId = Uuid::random();
  EXPECT_EQ(detailOf([&] { sibling.addEvidence(fresh); }, ErrorKind::NotFound), "visit_not_found");
  EXPECT_EQ(kiosk_->addEvidence(e), chain);  // the owner's retry still works
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.evidence"), 1);
}

TEST_F(KioskClaims, KioskFieldsHaveLimitsNamedInTheError) {
  const std::string mega(1024 * 1024, 'x');
  auto r = walkIn();
  r.documentType = mega;
  EXPECT_EQ(detailOf([&] { kiosk_->requestVisit(r); }, ErrorKind::InvalidInput), "document_type");
  r = walkIn();
  r.documentType = "mrz";
  r.documentHash = "not a hash";
  EXPECT_EQ(detailOf([&] { kiosk_->requestVisit(r); }, ErrorKind::InvalidInput), "document_hash");
  r.documentHash = std::string(64, 'A');  // upper case is not what a kiosk sends
  EXPECT_EQ(detailOf([&] { kiosk_->requestVisit(r); }, ErrorKind::InvalidInput), "document_hash");
  const std::string bigJson = R"({"x":")" + mega + R"("})";
  EXPECT_EQ(detailOf([&] { kiosk_->raiseAlert("printer_fault", std::nullopt, bigJson); },
                     ErrorKind::InvalidInput),
            "alert_details");
  EXPECT_EQ(detailOf(
                [&] {
                  kiosk_->heartbeat({"welcome", bigJson, 0, "0.1.0"});
                },
                ErrorKind::InvalidInput),
            "device_health");
  EXPECT_EQ(detailOf(
                [&] {
                  kiosk_->heartbeat({"welcome", "[1,2]", 0, "0.1.0"});
                },
                ErrorKind::InvalidInput),
            "device_health");
  EXPECT_EQ(detailOf(
                [&] {
                  kiosk_->heartbeat({mega, "{}", 0, "0.1.0"});
                },
                ErrorKind::InvalidInput),
            "screen");
  EXPECT_EQ(detailOf(
                [&] {
                  kiosk_->heartbeat({"welcome", "{}", 0, mega});
                },
                ErrorKind::InvalidInput),
            "software_version");
  EXPECT_EQ(detailOf(
                [&] {
                  kiosk_->heartbeat({"welcome", "{}", -5, "0.1.0"});
                },
                ErrorKind::InvalidInput),
            "outbox_depth");
  EXPECT_EQ(detailOf([&] { kiosk_->directory(mega); }, ErrorKind::InvalidInput), "query_too_long");
  const auto ok = walkIn();
  kiosk_->requestVisit(ok);
  Evidence e{Uuid::random(), ok.visitId,  EvidenceKind::EntryPhoto,
             mega,           Bytes{1, 2}, system_clock::now()};
  EXPECT_EQ(detailOf([&] { kiosk_->addEvidence(e); }, ErrorKind::InvalidInput), "content_type");
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.visit"), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert"), 0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.evidence"), 0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.kiosk WHERE device_health <> '{}'"), 0);
}

TEST_F(KioskClaims, AKioskSettingAPersonIdIsNotAuditedAsThatPerson) {
  const auto admin = personId(demo_.adminEmail);
  kiosk_->connection().exec("SELECT set_config('gatehouse.person_id', $1, false)",
                            {std::to_string(admin)});
  const auto r = walkIn();
  kiosk_->requestVisit(r);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.audit_log WHERE subject = $1", {r.visitId}), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.audit_log WHERE subject = $1 AND actor_person IS "
                  "NOT NULL",
                  {r.visitId}),
            0);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.audit_log WHERE subject = $1 AND actor_kiosk = $2",
                  {r.visitId, demo_.kiosks[0].kioskId}),
            1);
}

// Random, oversized and odd input through every kiosk function: only client errors come back
// (never Internal), and the connection stays usable.
TEST_F(KioskClaims, FuzzedInputGetsOnlyClientErrors) {
  std::mt19937 rng(9);
  const auto oddText = [&]() -> std::string {
    switch (rng() % 8) {
      case 0:
        return "";
      case 1:
        return std::string(1 + rng() % (300 * 1024), 'a' + static_cast<char>(rng() % 26));
      case 2:
        return "\xff\xfe\x80 invalid utf-8";
      case 3:
        return "{\"a\": [1, 2, {\"b\": null}]}";
      case 4:
        return "'; DROP TABLE gh.visit; --";
      case 5:
        return std::string(64, 'f');
      case 6:
        return rng() % 2 ? "[not json" : std::string("nul\0byte", 8);
      default: {
        std::string s(rng() % 80, ' ');
        for (auto& c : s) c = static_cast<char>(1 + rng() % 255);
        return s;
      }
    }
  };
  const auto oddTime = [&] {
    const std::int64_t years = static_cast<std::int64_t>(rng() % 400) - 200;
    return system_clock::now() + hours(24 * 365 * years);
  };
  const auto visit = walkIn();
  kiosk_->requestVisit(visit);
  const auto someVisit = [&] { return rng() % 2 ? visit.visitId : Uuid::random(); };
  int calls = 0;
  for (int i = 0; i < 60; ++i) {
    const std::vector<std::function<void()>> fns = {
        [&] { kiosk_->directory(oddText(), static_cast<int>(rng())); },
        [&] {
          VisitRequest r{Uuid::random(), static_cast<std::int64_t>(rng()) % 50,
                         oddText(),      oddText(),
                         oddText(),      oddText(),
                         oddText(),      oddTime()};
          kiosk_->requestVisit(r);
        },
        [&] { kiosk_->visitStatus(someVisit()); },
        [&] {
          kiosk_->useInvitation({Uuid::random(), Uuid::random(), oddText(), oddTime()});
        },
        [&] { kiosk_->checkIn(someVisit(), oddText(), oddTime()); },
        [&] { kiosk_->checkOut(Uuid::random(), ExitToken::generate(someVisit()), oddTime()); },
        [&] { kiosk_->cancel(Uuid::random()); },
        [&] {
          const auto t = oddText();
          kiosk_->addEvidence({Uuid::random(), someVisit(), EvidenceKind::IdScan, oddText(),
                               Bytes(t.begin(), t.end()), oddTime()});
        },
        [&] {
          kiosk_->heartbeat({oddText(), oddText(), static_cast<int>(rng()) - (1 << 30), oddText()});
        },
        [&] { kiosk_->raiseAlert(oddText(), someVisit(), oddText()); },
        [&] {
          kiosk_->guardApprove(someVisit(), static_cast<std::int64_t>(rng()), oddText(), oddTime());
        },
    };
    for (const auto& f : fns) {
      ++calls;
      try {
        f();
      } catch (const backend::Error& e) {
        EXPECT_NE(e.kind(), ErrorKind::Internal) << e.what() << " sqlstate " << e.sqlstate();
        EXPECT_NE(e.kind(), ErrorKind::ConnectionLost) << e.what();
      }
    }
  }
  EXPECT_EQ(calls, 660);
  EXPECT_FALSE(kiosk_->directory("A-1").empty());  // still usable
  EXPECT_EQ(
      count("SELECT count(*) AS n FROM gh.kiosk WHERE octet_length(device_health::text) > 4096 "
            "OR length(current_screen) > 64"),
      0);
}

// Issue 9: a revoked signing key is refused by the database itself, not only by kiosks' caches.
TEST_F(KioskClaims, AnOnlineUseOfAPassSignedByARevokedKeyIsRefused) {
  auto invitation = [&] {
    const auto id = Uuid::random();
    owner_->exec(
        "INSERT INTO gh.invitation (id, estate_id, host_id, unit_id, guest_name, valid_from, "
        "valid_until, max_uses, created_at, key_id) VALUES ($1, $2, $3, $4, 'Gina Guest', "
        "now() - interval '1 day', now() + interval '1 day', 0, now() - interval '1 hour', 1)",
        {id, demo_.estateId, personId("a-101@harbour.example"), unitId("A-101")});
    return id;
  };
  auto use = [&](const Uuid& inv, system_clock::time_point at) {
    InvitationUse u;
    u.visitId = Uuid::random();
    u.invitationId = inv;
    u.at = at;
    return u;
  };
  const auto before = invitation();
  EXPECT_EQ(kiosk_->useInvitation(use(before, system_clock::now())).status, VisitStatus::Approved);

  owner_->exec(
      "UPDATE gh.estate_key SET revoked_at = now() - interval '10 minutes' WHERE estate_id = $1 "
      "AND key_id = 1",
      {demo_.estateId});
  const auto after = invitation();
  EXPECT_EQ(detailOf([&] { kiosk_->useInvitation(use(after, system_clock::now())); },
                     ErrorKind::Conflict),
            "key_revoked");
  // Claiming a time before the revocation changes nothing for a kiosk that was in contact.
  EXPECT_EQ(detailOf([&] { kiosk_->useInvitation(use(after, system_clock::now() - hours(1))); },
                     ErrorKind::Conflict),
            "key_revoked");
  EXPECT_EQ(count("SELECT uses AS n FROM gh.invitation WHERE id = $1", {after}), 0);

  // Used while the kiosk was cut off, before the revocation, received after it: recorded
  // (accepted, as the kiosk could not know) and raised for review.
  lastContact(0, "30 minutes");
  const auto offline = use(after, system_clock::now() - minutes(20));
  EXPECT_EQ(kiosk_->useInvitation(offline).status, VisitStatus::Approved);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'revoked_key_used' AND "
                  "visit_id = $1",
                  {offline.visitId}),
            1);
}
