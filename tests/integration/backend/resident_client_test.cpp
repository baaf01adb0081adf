// The server's typed clients (resident, guest pass, push, delivery, worker) against a real
// cluster, as the server's role with row-level security for the acting resident.
#include "gatehouse/backend/resident_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "backend_fixture.hpp"
#include "gatehouse/backend/delivery_client.hpp"
#include "gatehouse/backend/guest_pass_client.hpp"
#include "gatehouse/backend/push_client.hpp"
#include "gatehouse/backend/worker_client.hpp"

namespace gatehouse::backend::test {
namespace {

using std::chrono::minutes;
using std::chrono::system_clock;

class ResidentClientTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    conn_ = std::make_unique<Connection>(server());
  }
  template <typename Fn>
  void as(const std::string& email, Fn&& fn) {
    conn_->asPerson(personId(email), [&](Connection& c) {
      ResidentClient r(c);
      fn(r, c);
    });
  }
  Uuid pendingVisit(const std::string& unit = "A-101") {
    auto r = walkIn(unit);
    kiosk_->requestVisit(r);
    return r.visitId;
  }
  std::string estateToday(int plusDays = 0) {
    return owner_
        ->exec(
            "SELECT ((now() AT TIME ZONE timezone)::date + $2::int)::text AS d FROM gh.estate "
            "WHERE id = $1",
            {demo_.estateId, plusDays})[0]
        .text("d");
  }
  NewInvitation single(const std::string& day) {
    NewInvitation n;
    n.kind = "single";
    n.guestName = "Gina Guest";
    n.guestPhone = "+1 555 0199";
    n.dateFrom = n.dateUntil = day;
    return n;
  }
  std::unique_ptr<Connection> conn_;
};

const std::string kHost = "a-101@harbour.example";
const std::string kNeighbour = "a-102@harbour.example";

bool near(system_clock::time_point a, system_clock::time_point b) {
  return a - b < minutes(2) && b - a < minutes(2);
}

TEST_F(ResidentClientTest, SeesOnlyItsUnitsVisitsWithTypedTimes) {
  const auto id = pendingVisit();
  as(kHost, [&](ResidentClient& r, Connection&) {
    auto pending = r.pendingVisits();
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].id, id);
    EXPECT_EQ(pending[0].status, "pending");
    EXPECT_EQ(pending[0].unitLabel, "A-101");
    EXPECT_EQ(pending[0].visitor, "Vera Visitor");
    EXPECT_TRUE(pending[0].kiosk.has_value());
    EXPECT_TRUE(near(pending[0].requestedAt, system_clock::now()));
    EXPECT_GE(pending[0].readAt, pending[0].requestedAt - minutes(1));
    EXPECT_FALSE(pending[0].decidedAt.has_value());
    EXPECT_TRUE(r.visit(id).has_value());
  });
  as(kNeighbour, [&](ResidentClient& r, Connection&) {
    EXPECT_TRUE(r.pendingVisits().empty());
    EXPECT_FALSE(r.visit(id).has_value());
  });
}

TEST_F(ResidentClientTest, ALinksNonceDecidesOnceAndASecondDecisionConflicts) {
  const auto id = pendingVisit();
  as(kHost, [&](ResidentClient& r, Connection&) {
    auto d = r.decide(id, true, "magic_link", "nonce-1");
    EXPECT_FALSE(d.linkUsed);
    ASSERT_TRUE(d.visit.has_value());
    EXPECT_EQ(d.visit->status, "approved");
    EXPECT_EQ(d.visit->channel.value_or(""), "magic_link");
    ASSERT_TRUE(d.visit->decidedAt.has_value());
    EXPECT_TRUE(near(*d.visit->decidedAt, system_clock::now()));
  });
  as(kHost, [&](ResidentClient& r, Connection&) {
    EXPECT_TRUE(r.decide(id, false, "magic_link", "nonce-1").linkUsed);
  });
  EXPECT_TRUE(magicLinkUsed(*conn_, "nonce-1"));
  EXPECT_FALSE(magicLinkUsed(*conn_, "nonce-2"));
  try {
    as(kHost, [&](ResidentClient& r, Connection&) { r.decide(id, false, "resident"); });
    FAIL() << "a decided visit was decided again";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Conflict);
  }
  EXPECT_EQ(statusOf(id), "approved");
}

TEST_F(ResidentClientTest, LogHonoursTheRangeAndReportsAreStored) {
  const auto id = pendingVisit();
  as(kHost, [&](ResidentClient& r, Connection&) {
    auto log = r.visitLog({});
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].id, id);
    EXPECT_EQ(r.visitLog({estateToday(), estateToday()}).size(), 1u);
    EXPECT_TRUE(r.visitLog({estateToday(1), estateToday(2)}).empty());
    r.report(id, "Rude at the gate");
  });
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.report WHERE visit_id = $1 AND reason = $2",
                  {id, "Rude at the gate"}),
            1);
}

TEST_F(ResidentClientTest, PhotosOnlyOfTheUnitAndOfTheNamedVisit) {
  const auto id = pendingVisit();
  Evidence e;
  e.evidenceId = Uuid::random();
  e.visitId = id;
  e.data = Bytes{0xFF, 0xD8, 0xFF, 0xD9};
  e.capturedAt = system_clock::now();
  kiosk_->addEvidence(e);
  as(kHost, [&](ResidentClient& r, Connection&) {
    auto p = r.photo(e.evidenceId, std::nullopt);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->data, e.data);
    EXPECT_EQ(p->contentType, "image/jpeg");
    EXPECT_TRUE(r.photo(e.evidenceId, id).has_value());
    EXPECT_FALSE(r.photo(e.evidenceId, Uuid::random()).has_value());
    auto v = r.visit(id);
    ASSERT_TRUE(v.has_value());
    ASSERT_EQ(v->photos.size(), 1u);
    EXPECT_EQ(v->photos[0].id, e.evidenceId);
    EXPECT_EQ(v->photos[0].kind, "entry_photo");
  });
  as(kNeighbour, [&](ResidentClient& r, Connection&) {
    EXPECT_FALSE(r.photo(e.evidenceId, std::nullopt).has_value());
  });
}

TEST_F(ResidentClientTest, InvitationsAreCreatedListedPassedAndRevokedOnce) {
  const auto today = estateToday();
  Uuid id;
  as(kHost, [&](ResidentClient& r, Connection&) {
    id = r.createInvitation(single(today));
    auto inv = r.invitation(id);
    ASSERT_TRUE(inv.has_value());
    EXPECT_EQ(inv->state, "active");
    EXPECT_EQ(inv->dateFrom, today);
    EXPECT_EQ(inv->dateUntil, today);
    EXPECT_EQ(inv->guestPhone.value_or(""), "+1 555 0199");
    EXPECT_LT(inv->validFrom, inv->validUntil);
    EXPECT_EQ(inv->validUntil - inv->validFrom, std::chrono::hours(24));
    EXPECT_FALSE(inv->revokedAt.has_value());
    ASSERT_EQ(r.invitations().size(), 1u);
    auto pass = r.passFields(id);
    ASSERT_TRUE(pass.has_value());
    EXPECT_EQ(pass->unitLabel, "A-101");
    EXPECT_EQ(pass->estateId, demo_.estateId);
    EXPECT_EQ(pass->validUntil - pass->validFrom, 24 * 3600);
    EXPECT_TRUE(r.visitsOfInvitation(id).empty());
  });
  as(kNeighbour, [&](ResidentClient& r, Connection&) {
    EXPECT_FALSE(r.invitation(id).has_value());
    EXPECT_FALSE(r.passFields(id).has_value());
    EXPECT_EQ(r.revokeInvitation(id), RevokeResult::NotFound);
  });
  as(kHost, [&](ResidentClient& r, Connection&) {
    EXPECT_EQ(r.revokeInvitation(id), RevokeResult::Revoked);
    EXPECT_EQ(r.revokeInvitation(id), RevokeResult::AlreadyRevoked);
    EXPECT_EQ(r.invitation(id)->state, "revoked");
    EXPECT_TRUE(r.invitation(id)->revokedAt.has_value());
  });
}

TEST_F(ResidentClientTest, AnInvitationInThePastIsRefusedAndNothingIsStored) {
  try {
    as(kHost, [&](ResidentClient& r, Connection&) { r.createInvitation(single(estateToday(-2))); });
    FAIL() << "a past invitation was created";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_EQ(e.detail(), "dates_or_key");
  }
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.invitation"), 0);
}

TEST_F(ResidentClientTest, ProfileShowsTheChannelsJustSet) {
  as(kHost, [&](ResidentClient& r, Connection&) {
    r.setChannels(false, "https://hooks.example/gate");
    auto p = r.profile();
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->unitLabel.value_or(""), "A-101");
    EXPECT_EQ(p->email, kHost);
    EXPECT_FALSE(p->notifyEmail);
    EXPECT_EQ(p->webhookUrl, "https://hooks.example/gate");
    r.setChannels(true, "");
    EXPECT_TRUE(r.profile()->notifyEmail);
    EXPECT_EQ(r.profile()->webhookUrl, "");
  });
}

TEST_F(ResidentClientTest, GuestPassShowsTheEstateAndNeedsAPhoneToSend) {
  Uuid withPhone, withoutPhone;
  as(kHost, [&](ResidentClient& r, Connection&) {
    withPhone = r.createInvitation(single(estateToday()));
    auto n = single(estateToday());
    n.guestPhone.clear();
    withoutPhone = r.createInvitation(n);
  });
  conn_->asPerson(personId(kHost), [&](Connection& c) {
    GuestPassClient g(c);
    auto view = g.view(withPhone);
    ASSERT_TRUE(view.has_value());
    EXPECT_EQ(view->invitation.guestName, "Gina Guest");
    EXPECT_FALSE(view->estate.empty());
    auto who = g.contact(withPhone);
    ASSERT_TRUE(who.has_value());
    EXPECT_EQ(who->phone, "+1 555 0199");
    EXPECT_EQ(who->estate, view->estate);
    EXPECT_FALSE(g.contact(withoutPhone).has_value());
    auto until = g.linkExpiry(withPhone);
    ASSERT_TRUE(until.has_value());
    EXPECT_EQ(*until, view->invitation.validUntil);
  });
  conn_->asPerson(personId(kNeighbour), [&](Connection& c) {
    EXPECT_FALSE(GuestPassClient(c).view(withPhone).has_value());
    EXPECT_FALSE(GuestPassClient(c).linkExpiry(withPhone).has_value());
  });
}

TEST_F(ResidentClientTest, PushSubscriptionsBelongToTheirPersonAndRecordOutcomes) {
  const std::string key(87, 'k'), auth(22, 'a');
  std::int64_t id = 0;
  conn_->asPerson(personId(kHost), [&](Connection& c) {
    id = PushClient(c).subscribe("https://push.example/1", key, auth, "phone");
  });
  conn_->asPerson(personId(kNeighbour), [&](Connection& c) {
    EXPECT_FALSE(PushClient(c).ownTarget(id).has_value());
    EXPECT_FALSE(PushClient(c).unsubscribe(id));
  });
  PushClient(*conn_).record(id, "failed", "503 from the push service");
  conn_->asPerson(personId(kHost), [&](Connection& c) {
    PushClient p(c);
    auto subs = p.subscriptions();
    ASSERT_EQ(subs.size(), 1u);
    EXPECT_EQ(subs[0].label, "phone");
    EXPECT_EQ(subs[0].failures, 1);
    EXPECT_EQ(subs[0].lastError.value_or(""), "503 from the push service");
    EXPECT_TRUE(near(subs[0].createdAt, system_clock::now()));
    auto target = p.ownTarget(id);
    ASSERT_TRUE(target.has_value());
    EXPECT_EQ(target->endpoint, "https://push.example/1");
    EXPECT_EQ(target->p256dh, key);
  });
  const auto visit = pendingVisit();
  auto note = owner_->exec(
      "SELECT id FROM gh.notification WHERE person_id = $1 AND kind = 'visit_request' "
      "AND payload->>'visit' = $2::text",
      {personId(kHost), visit});
  ASSERT_EQ(note.size(), 1u);
  auto targets = PushClient(*conn_).targets(note[0].int64("id"));
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].target.subscriptionId, id);
  EXPECT_EQ(targets[0].kind, "visit_request");
  EXPECT_NE(targets[0].payloadJson.find(visit.toString()), std::string::npos);
  conn_->asPerson(personId(kHost),
                  [&](Connection& c) { EXPECT_TRUE(PushClient(c).unsubscribe(id)); });
}

TEST_F(ResidentClientTest, DeliveriesAreClaimedOnceAndDoneForGood) {
  const auto visit = pendingVisit();
  DeliveryClient outbox(*conn_);
  auto due = outbox.claim(20, std::chrono::minutes(2));
  auto mine = std::find_if(due.begin(), due.end(), [&](const Delivery& d) {
    return d.target == kHost && d.payloadJson.find(visit.toString()) != std::string::npos;
  });
  ASSERT_NE(mine, due.end());
  EXPECT_EQ(mine->channel, "email");
  EXPECT_EQ(mine->kind, "visit_request");
  EXPECT_EQ(mine->unitLabel, "A-101");
  EXPECT_EQ(mine->attempts, 1);
  EXPECT_FALSE(mine->fullName.empty());
  EXPECT_TRUE(outbox.claim(20, std::chrono::minutes(2)).empty());  // leased
  outbox.done(mine->id, "", std::chrono::seconds(1), 5);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.portal_delivery WHERE id = $1 AND status = 'sent'",
                  {mine->id}),
            1);
}

TEST_F(ResidentClientTest, HousekeepingPassesAreIdempotent) {
  auto worker = Connection(db_->urlAs("gatehouse_worker"));
  WorkerClient(worker).housekeeping(std::chrono::seconds(60));
  auto second = WorkerClient(worker).housekeeping(std::chrono::seconds(60));
  EXPECT_EQ(second.escalated, 0);
  EXPECT_EQ(second.expired, 0);
  EXPECT_EQ(second.overstays, 0);
  EXPECT_EQ(second.kiosksOffline, 0);
}

}  // namespace
}  // namespace gatehouse::backend::test
