// The kiosk's calls: invitations (valid, revoked, used up, out of window, raced), evidence
// hash chain, exit outcomes with guard alerts, watchlist holds, heartbeat, keys.
#include <atomic>
#include <thread>

#include "backend_fixture.hpp"
#include "gatehouse/core/password.hpp"

using namespace gatehouse;
using namespace gatehouse::backend;
using namespace gatehouse::backend::test;
using std::chrono::system_clock;

namespace {

class KioskTest : public BackendTest {
 protected:
  Uuid invite(int maxUses = 1, const std::string& from = "now() - interval '1 hour'",
              const std::string& until = "now() + interval '1 day'", int weekdays = 127,
              int startMin = 0, int endMin = 1440) {
    const auto id = Uuid::random();
    owner_->exec(
        "INSERT INTO gh.invitation (id, estate_id, host_id, unit_id, guest_name, valid_from, "
        "valid_until, "
        "max_uses, weekdays, day_start_min, day_end_min) VALUES ($1, $2, $3, $4, 'Gina Guest', " +
            from + ", " + until + ", $5, $6, $7, $8)",
        {id, demo_.estateId, personId("a-101@harbour.example"), unitId("A-101"), maxUses, weekdays,
         startMin, endMin});
    return id;
  }
  InvitationVisit use(const Uuid& inv, const Uuid& visit = Uuid::random()) {
    return kiosk_->useInvitation({visit, inv, "", system_clock::now()});
  }
  std::string conflictDetail(const std::function<void()>& f) {
    try {
      f();
    } catch (const backend::Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Conflict) << e.what();
      return e.detail();
    }
    return "no error";
  }
};

}  // namespace

TEST_F(KioskTest, ValidInvitationStartsApprovedAndCountsAUse) {
  const auto inv = invite(2);
  const auto visit = Uuid::random();
  const auto v = use(inv, visit);
  EXPECT_EQ(v.status, VisitStatus::Approved);
  EXPECT_EQ(v.unitLabel, "A-101");
  EXPECT_EQ(v.guestName, "Gina Guest");
  use(inv, visit);  // a retry of the same visit is not a second use
  EXPECT_EQ(count("SELECT uses AS n FROM gh.invitation WHERE id = $1", {inv}), 1);
  EXPECT_EQ(statusOf(visit), "approved");
  EXPECT_EQ(
      owner_->exec("SELECT decision_channel::text AS c FROM gh.visit WHERE id = $1", {visit})[0]
          .text("c"),
      "invitation");
}

TEST_F(KioskTest, RevokedUsedUpExpiredAndOutOfHoursInvitationsAreRefused) {
  const auto single = invite(1);
  use(single);
  EXPECT_EQ(conflictDetail([&] { use(single); }), "used_up");

  const auto revoked = invite(0);
  owner_->exec("UPDATE gh.invitation SET revoked_at = now() - interval '1 second' WHERE id = $1",
               {revoked});
  EXPECT_EQ(conflictDetail([&] { use(revoked); }), "revoked");

  const auto expired = invite(0, "now() - interval '2 days'", "now() - interval '1 day'");
  EXPECT_EQ(conflictDetail([&] { use(expired); }), "expired");
  const auto future = invite(0, "now() + interval '1 day'", "now() + interval '2 days'");
  EXPECT_EQ(conflictDetail([&] { use(future); }), "not_yet_valid");

  // A window of one minute that is not now, in the estate's time zone.
  const auto local =
      owner_
          ->exec(
              "SELECT (extract(hour FROM now() AT TIME ZONE 'Europe/London') * 60 + "
              "extract(minute FROM now() AT TIME ZONE 'Europe/London'))::int AS m")[0]
          .int64("m");
  const int other = static_cast<int>((local + 120) % 1440);
  const auto hours =
      invite(0, "now() - interval '1 day'", "now() + interval '1 day'", 127, other, other + 1);
  EXPECT_EQ(conflictDetail([&] { use(hours); }), "outside_hours");
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.visit"), 1);
}

TEST_F(KioskTest, ASingleUsePassShownAtTwoKiosksAtOnceAdmitsOnce) {
  for (int round = 0; round < 10; ++round) {
    const auto inv = invite(1);
    std::atomic<int> ok{0}, usedUp{0};
    auto attempt = [&](int k) {
      KioskClient c(db_->urlAs("gatehouse_kiosk"),
                    {demo_.kiosks[k].kioskId, demo_.kiosks[k].token});
      try {
        c.useInvitation({Uuid::random(), inv, "", system_clock::now()});
        ++ok;
      } catch (const backend::Error& e) {
        if (e.detail() == "used_up") ++usedUp;
      }
    };
    std::thread a(attempt, 0), b(attempt, 1);
    a.join();
    b.join();
    EXPECT_EQ(ok, 1);
    EXPECT_EQ(usedUp, 1);
  }
}

TEST_F(KioskTest, EstateKeyVerifiesAPassSignedWithTheEstatesSecret) {
  const auto keys = kiosk_->estateKeys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].timezone, "Europe/London");
  ASSERT_EQ(demo_.signingKeys[0].estateId, demo_.estateId);
  const SecretKey secret = demo_.signingKeys[0].secret;  // from the key file, not the database
  InvitationPass p;
  p.estateId = demo_.estateId;
  p.keyId = keys[0].keyId;
  p.invitationId = Uuid::random();
  p.validFrom = 1;
  p.validUntil = 2;
  const auto lookup = [&](std::int64_t e, std::uint8_t k) -> std::optional<PublicKey> {
    for (const auto& key : keys)
      if (key.estateId == e && key.keyId == k) return key.publicKey;
    return std::nullopt;
  };
  EXPECT_TRUE(verifyPass(encodePass(p, secret), lookup));
  EXPECT_FALSE(verifyPass(encodePass(p, KeyPair::generate().secretKey), lookup));
}

TEST_F(KioskTest, RevocationsAreListedForTheOfflineCache) {
  const auto a = invite(0), b = invite(0);
  owner_->exec("UPDATE gh.invitation SET revoked_at = now() WHERE id = $1", {b});
  const auto revoked = kiosk_->revokedInvitations();
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0], b);
  EXPECT_NE(revoked[0], a);
}

TEST_F(KioskTest, ExitOutcomesAndAlertsForBadBadges) {
  const auto r = walkIn();
  kiosk_->requestVisit(r);
  decideAs("a-101@harbour.example", r.visitId, true);
  const auto badge = ExitToken::generate(r.visitId);
  kiosk_->checkIn(r.visitId, badge.secretHashHex(), system_clock::now());
  kiosk_->checkIn(r.visitId, badge.secretHashHex(), system_clock::now());  // retry: fine

  auto forged = badge;
  forged.secret[0] ^= 1;
  EXPECT_EQ(kiosk_->checkOut(Uuid::random(), forged, system_clock::now()),
            ExitOutcome::UnknownBadge);
  EXPECT_EQ(
      kiosk_->checkOut(Uuid::random(), ExitToken::generate(Uuid::random()), system_clock::now()),
      ExitOutcome::UnknownBadge);
  const auto exitEvent = Uuid::random();
  EXPECT_EQ(kiosk_->checkOut(exitEvent, badge, system_clock::now()), ExitOutcome::Recorded);
  EXPECT_EQ(kiosk_->checkOut(exitEvent, badge, system_clock::now()),
            ExitOutcome::AlreadyRecorded);  // retry
  EXPECT_EQ(kiosk_->checkOut(Uuid::random(), badge, system_clock::now()),
            ExitOutcome::BadgeUsed);  // reuse
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'unknown_badge'"), 2);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'badge_used' AND visit_id = $1",
                  {r.visitId}),
            1);
  EXPECT_EQ(statusOf(r.visitId), "checked_out");
}

TEST_F(KioskTest, EvidenceFormsAHashChainThatExposesTampering) {
  const auto r = walkIn();
  kiosk_->requestVisit(r);
  std::vector<Uuid> ids;
  std::string prev;
  for (int i = 0; i < 3; ++i) {
    Evidence e{Uuid::random(),
               r.visitId,
               EvidenceKind::EntryPhoto,
               "image/jpeg",
               Bytes{0xFF, 0xD8, static_cast<std::uint8_t>(i), 0x00, 0xFF, 0xD9},
               system_clock::now()};
    const auto chain = kiosk_->addEvidence(e);
    EXPECT_EQ(kiosk_->addEvidence(e), chain);  // idempotent
    EXPECT_NE(chain, prev);
    prev = chain;
    ids.push_back(e.evidenceId);
  }
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.evidence"), 3);
  EXPECT_TRUE(
      owner_->exec("SELECT gh.verify_evidence_chain($1) AS bad", {demo_.kiosks[0].kioskId})[0]
          .isNull("bad"));
  // Binary data round-trips exactly, NUL bytes included.
  EXPECT_EQ(owner_->exec("SELECT data FROM gh.evidence WHERE id = $1", {ids[1]})[0].bytes("data"),
            (Bytes{0xFF, 0xD8, 1, 0x00, 0xFF, 0xD9}));

  // Someone with superuser rights swaps a photo: the chain breaks at that record.
  owner_->execScript("ALTER TABLE gh.evidence DISABLE TRIGGER evidence_append_only");
  owner_->exec("UPDATE gh.evidence SET data = '\\x00'::bytea WHERE id = $1", {ids[1]});
  owner_->execScript("ALTER TABLE gh.evidence ENABLE TRIGGER evidence_append_only");
  EXPECT_EQ(
      owner_->exec("SELECT gh.verify_evidence_chain($1) AS bad", {demo_.kiosks[0].kioskId})[0].uuid(
          "bad"),
      ids[1]);

  Evidence same{ids[0],       r.visitId,      EvidenceKind::EntryPhoto,
                "image/jpeg", Bytes{1, 2, 3}, system_clock::now()};
  try {
    kiosk_->addEvidence(same);
    FAIL() << "reused evidence id with other bytes accepted";
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.detail(), "duplicate_id");
  }
}

TEST_F(KioskTest, WatchlistHitHoldsTheRequestAndAlertsOnlyTheGuards) {
  owner_->exec(
      "INSERT INTO gh.watchlist (estate_id, full_name, name_key, reason) VALUES ($1, 'Ivan "
      "Ivanov', "
      "gh.name_key('Ivan Ivanov'), 'banned by the board')",
      {demo_.estateId});
  const auto r = walkIn("A-101", "ИВАНОВ Иван");  // Cyrillic, other order, other case
  const auto state = kiosk_->requestVisit(r);
  EXPECT_TRUE(state.held);
  EXPECT_EQ(state.status, VisitStatus::Pending);
  EXPECT_EQ(
      count("SELECT count(*) AS n FROM gh.alert WHERE kind = 'watchlist_hit' AND visit_id = $1",
            {r.visitId}),
      1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.notification WHERE payload->>'visit' = $1",
                  {r.visitId.toString()}),
            0);
  try {
    decideAs("a-101@harbour.example", r.visitId, true);
    FAIL() << "resident decided a held visit";
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.detail(), "held");
  }
  EXPECT_EQ(decideAs("guard1@harbour.example", r.visitId, false, "on the watchlist"), "denied");
  // A plain visitor is not held, and the residents get a notification.
  const auto ok = walkIn("A-101", "Ivan Petrov");
  EXPECT_FALSE(kiosk_->requestVisit(ok).held);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.notification WHERE payload->>'visit' = $1",
                  {ok.visitId.toString()}),
            2);
}

TEST_F(KioskTest, HeartbeatAlertsAndGuardPinApproval) {
  kiosk_->heartbeat({"welcome", R"({"camera":"ok","printer":"out_of_paper"})", 3, "0.1.0"});
  auto k = owner_->exec(
      "SELECT current_screen, outbox_depth, device_health->>'printer' AS p, "
      "last_heartbeat > now() - interval '1 minute' AS fresh FROM gh.kiosk WHERE id = $1",
      {demo_.kiosks[0].kioskId})[0];
  EXPECT_EQ(k.text("current_screen"), "welcome");
  EXPECT_EQ(k.int64("outbox_depth"), 3);
  EXPECT_EQ(k.text("p"), "out_of_paper");
  EXPECT_TRUE(k.boolean("fresh"));

  EXPECT_GT(kiosk_->raiseAlert("printer_fault", std::nullopt, R"({"state":"out_of_paper"})"), 0);
  try {
    kiosk_->raiseAlert("launch_missiles", std::nullopt);
    FAIL();
  } catch (const backend::Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
  }
  const auto r = walkIn();
  kiosk_->requestVisit(r);
  const auto a1 = kiosk_->raiseAlert("approval_timeout", r.visitId);
  EXPECT_EQ(kiosk_->raiseAlert("approval_timeout", r.visitId), a1);  // once per visit

  const auto pins = kiosk_->guardPins();
  ASSERT_EQ(pins.size(), 3u);  // two guards and the admin
  EXPECT_TRUE(verifyPassword(pins[0].pinHash, demo_.guardPins[0]));
  EXPECT_EQ(kiosk_->guardApprove(r.visitId, pins[0].personId, "", system_clock::now()),
            VisitStatus::Approved);
  EXPECT_EQ(
      owner_->exec("SELECT decision_channel::text AS c FROM gh.visit WHERE id = $1", {r.visitId})[0]
          .text("c"),
      "guard_pin");
}
