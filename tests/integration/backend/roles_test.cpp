// Issue 9, roles: each process role can do its own job only; the console's role can no longer
// create sessions or read password hashes and TOTP secrets; admin rules hold in SQL.
#include <cstdio>

#include "backend_fixture.hpp"
#include "gatehouse/core/password.hpp"

using namespace gatehouse;
using namespace gatehouse::backend;
using namespace gatehouse::backend::test;

namespace {

class Roles : public BackendTest {
 protected:
  Connection worker() { return Connection(db_->urlAs("gatehouse_worker")); }
  std::string refusal(Connection& c, const std::string& sql, const Params& params = {},
                      std::optional<std::int64_t> person = std::nullopt) {
    try {
      if (person)
        c.asPerson(*person, [&](Connection& tx) { tx.exec(sql, params); });
      else
        c.exec(sql, params);
    } catch (const backend::Error& e) {
      return toString(e.kind());
    }
    return "allowed";
  }
  void session(std::int64_t person, char fill) {
    auto s = server();
    s.exec("SELECT gh.portal_session_create($1, $2, 'csrf', interval '1 hour', 'test')",
           {person, std::string(64, fill)});
  }
  std::int64_t sessions(std::int64_t person) {
    return count("SELECT count(*) AS n FROM gh.portal_session WHERE person_id = $1", {person});
  }
};

}  // namespace

TEST_F(Roles, TheConsoleRoleCannotCreateSessionsOrReadHashesOrTotpSecrets) {
  auto c = app();
  const auto guard = personId("guard1@harbour.example");
  const auto resident = personId("a-101@harbour.example");
  for (const std::string& sql : std::vector<std::string>{
           "SELECT * FROM gh.auth_lookup('a-101@harbour.example')",
           "SELECT gh.portal_session_create(" + std::to_string(resident) + ", '" +
               std::string(64, 'a') + "', 'x', interval '1 day', 'ua')",
           "SELECT * FROM gh.portal_session_get('" + std::string(64, 'a') + "')",
           "SELECT gh.auth_record(" + std::to_string(guard) + ", true)",
           "SELECT * FROM gh.portal_reset_create('a-101@harbour.example', '" +
               std::string(64, 'b') + "', interval '1 hour')"}) {
    EXPECT_EQ(refusal(c, sql), "forbidden") << sql;
    EXPECT_EQ(refusal(c, sql, {}, guard), "forbidden") << sql;
  }
  EXPECT_EQ(refusal(c, "SELECT totp_secret FROM gh.person", {}, guard), "forbidden");
  EXPECT_EQ(refusal(c, "SELECT password_hash FROM gh.person", {}, guard), "forbidden");
  // What the console gets for sign-in holds no hash: only algorithm, limits and salt.
  const auto setting =
      c.exec("SELECT hash_setting FROM gh.staff_auth_begin('guard1@harbour.example')")[0].text(
          "hash_setting");
  const auto stored =
      owner_->exec("SELECT password_hash FROM gh.person WHERE id = $1", {guard})[0].text(
          "password_hash");
  EXPECT_EQ(stored.rfind(setting, 0), 0u);
  EXPECT_LT(setting.size() + 40, stored.size());
  EXPECT_TRUE(c.exec("SELECT * FROM gh.staff_auth_begin('a-101@harbour.example')").empty());
  // The server does have them.
  auto s = server();
  EXPECT_EQ(s.exec("SELECT * FROM gh.auth_lookup('a-101@harbour.example')").size(), 1u);
  session(resident, 'c');
  EXPECT_EQ(sessions(resident), 1);
}

TEST_F(Roles, TheStaffSignInVerifiesInTheDatabaseAndCountsFailures) {
  auto c = app();
  const auto guard = personId("guard1@harbour.example");
  const auto setting =
      c.exec("SELECT hash_setting FROM gh.staff_auth_begin('guard1@harbour.example')")[0].text(
          "hash_setting");
  const auto good = hashPasswordWithSetting(setting, demo_.residentPassword);
  const auto bad = hashPasswordWithSetting(setting, "not the password");
  ASSERT_TRUE(good && bad);
  const auto finish = [&](const std::string& hash, const std::string& code) {
    return c.exec("SELECT gh.staff_auth_finish($1, $2, $3) AS r", {guard, hash, code})[0].text("r");
  };
  EXPECT_EQ(finish(*bad, ""), "bad_credentials");
  EXPECT_EQ(count("SELECT failed_logins AS n FROM gh.person WHERE id = $1", {guard}), 1);
  EXPECT_EQ(finish(*good, ""), "ok");
  EXPECT_EQ(count("SELECT failed_logins AS n FROM gh.person WHERE id = $1", {guard}), 0);
  // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits) -> 287082 (6 digits).
  EXPECT_EQ(owner_
                ->exec("SELECT gh.totp_code(gh.base32_decode($1), 1) AS c",
                       {std::string("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")})[0]
                .text("c"),
            "287082");
  owner_->exec("UPDATE gh.person SET totp_secret = 'JBSWY3DPEHPK3PXP' WHERE id = $1", {guard});
  EXPECT_EQ(finish(*good, ""), "totp_required");
  EXPECT_EQ(finish(*good, "000000"), "bad_totp");
  const auto now =
      owner_
          ->exec(
              "SELECT gh.totp_code(gh.base32_decode('JBSWY3DPEHPK3PXP'), floor(extract(epoch FROM "
              "clock_timestamp()) / 30)::bigint) AS c")[0]
          .text("c");
  EXPECT_EQ(finish(*good, now), "ok");
  for (int i = 0; i < 5; ++i) finish(*bad, "");
  EXPECT_EQ(finish(*good, now), "locked");
}

TEST_F(Roles, TheWorkerCanOnlyHousekeep) {
  auto w = worker();
  EXPECT_NO_THROW(w.exec("SELECT gh.console_housekeeping(interval '60 seconds')"));
  const auto admin = personId(demo_.adminEmail);
  for (const char* sql : {"SELECT count(*) FROM gh.visit", "SELECT count(*) FROM gh.person",
                          "SELECT * FROM gh.auth_lookup('a-101@harbour.example')",
                          "SELECT gh.decide_visit(gen_random_uuid(), true)",
                          "SELECT gh.watchlist_add('x', NULL, 'y')"}) {
    EXPECT_EQ(refusal(w, sql, {}, admin), "forbidden") << sql;  // choosing a person gains nothing
  }
  // Nor does the console role run the worker's jobs any more.
  auto c = app();
  EXPECT_EQ(refusal(c, "SELECT gh.run_housekeeping()"), "forbidden");
  auto& k = kiosk_->connection();
  EXPECT_EQ(refusal(k, "SELECT gh.console_housekeeping(interval '1 minute')"), "forbidden");
}

TEST_F(Roles, GuardsAndAdminsCannotWriteTheWatchlistDirectly) {
  auto c = app();
  const auto add =
      "INSERT INTO gh.watchlist (estate_id, full_name, name_key, reason) VALUES (gh.my_estate(), "
      "'Eve', 'eve', 'direct')";
  EXPECT_EQ(refusal(c, add, {}, personId("guard1@harbour.example")), "forbidden");
  EXPECT_EQ(refusal(c, add, {}, personId(demo_.adminEmail)), "forbidden");
  std::int64_t id = 0;
  c.asPerson(personId(demo_.adminEmail), [&](Connection& tx) {
    id = tx.exec("SELECT gh.watchlist_add('Eve Example', NULL, 'by the rules') AS id")[0].int64(
        "id");
  });
  EXPECT_EQ(refusal(c, "UPDATE gh.watchlist SET active = false WHERE id = $1", {id},
                    personId("guard1@harbour.example")),
            "forbidden");
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh.watchlist WHERE active"), 1);
  // Staff still read it.
  std::int64_t seen = 0;
  c.asPerson(personId("guard1@harbour.example"), [&](Connection& tx) {
    seen = tx.exec("SELECT count(*) AS n FROM gh.watchlist")[0].int64("n");
  });
  EXPECT_EQ(seen, 1);
}

TEST_F(Roles, SetPasswordHashStaysInTheAdminsEstateAndEndsSessions) {
  auto c = app();
  const auto admin = personId(demo_.adminEmail);
  const auto resident = personId("a-101@harbour.example");
  const auto hillside = personId("h-1@hillside.example");
  const auto hash = hashPasswordFast("a brand new password");
  session(hillside, 'd');
  EXPECT_EQ(refusal(c, "SELECT gh.set_password_hash($1, $2)", {hillside, hash}, admin),
            "forbidden");
  EXPECT_EQ(sessions(hillside), 1);
  EXPECT_EQ(refusal(c, "SELECT gh.set_password_hash($1, 'plain text')", {resident}, admin),
            "invalid_input");
  session(resident, 'e');
  session(resident, 'f');
  c.asPerson(admin, [&](Connection& tx) {
    tx.exec("SELECT gh.set_password_hash($1, $2)", {resident, hash});
  });
  EXPECT_EQ(sessions(resident), 0);
  EXPECT_TRUE(verifyPassword(
      owner_->exec("SELECT password_hash FROM gh.person WHERE id = $1", {resident})[0].text(
          "password_hash"),
      "a brand new password"));
  // A resident may change only their own.
  EXPECT_EQ(refusal(c, "SELECT gh.set_password_hash($1, $2)", {admin, hash}, resident),
            "forbidden");
}

TEST_F(Roles, TheDatabaseHoldsNoPassSigningSecret) {
  EXPECT_EQ(count("SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = 'gh' "
                  "AND column_name LIKE '%secret%' AND table_name = 'estate_key'"),
            0);
  // What any role sees of a key is public.
  auto c = app();
  std::int64_t publicKeys = 0;
  c.asPerson(personId("a-101@harbour.example"), [&](Connection& tx) {
    publicKeys = tx.exec("SELECT count(public_key) AS n FROM gh.estate_key")[0].int64("n");
  });
  EXPECT_EQ(publicKeys, 1);
}

TEST_F(Roles, ARotatedKeyStillVerifiesItsPassesAndARevokedOneDisappearsAtOnce) {
  const auto first = demo_.signingKeys[0];
  const auto inv = Uuid::random();
  owner_->exec(
      "INSERT INTO gh.invitation (id, estate_id, host_id, unit_id, guest_name, valid_from, "
      "valid_until, key_id) VALUES ($1, $2, $3, $4, 'Gina', now(), now() + interval '1 day', 1)",
      {inv, demo_.estateId, personId("a-101@harbour.example"), unitId("A-101")});
  const auto second = rotateEstateKey(*owner_, demo_.estateId);
  EXPECT_EQ(second.keyId, 2);
  auto ids = [&] {
    std::vector<int> out;
    for (const auto& k : kiosk_->estateKeys()) out.push_back(k.keyId);
    return out;
  };
  EXPECT_EQ(ids(), (std::vector<int>{1, 2}));  // key 1 still has a valid pass
  InvitationPass p;
  p.estateId = demo_.estateId;
  p.keyId = 1;
  p.invitationId = inv;
  p.validFrom = 1;
  p.validUntil = 2;
  const auto keys = kiosk_->estateKeys();
  const auto lookup = [&](std::int64_t e, std::uint8_t k) -> std::optional<PublicKey> {
    for (const auto& key : keys)
      if (key.estateId == e && key.keyId == k) return key.publicKey;
    return std::nullopt;
  };
  EXPECT_TRUE(verifyPass(encodePass(p, first.secret), lookup));
  p.keyId = 2;
  EXPECT_TRUE(verifyPass(encodePass(p, second.secret), lookup));
  // Once key 1's passes are gone, kiosks stop loading it.
  owner_->exec("UPDATE gh.invitation SET revoked_at = now() WHERE id = $1", {inv});
  EXPECT_EQ(ids(), (std::vector<int>{2}));
  revokeEstateKey(*owner_, demo_.estateId, 2);
  EXPECT_TRUE(ids().empty());
  EXPECT_THROW(revokeEstateKey(*owner_, demo_.estateId, 9), backend::Error);
}

TEST_F(Roles, LegacySecretsMoveToTheKeyFileAndLeaveTheDatabase) {
  owner_->exec(
      "INSERT INTO gh_secret.legacy_estate_key VALUES ($1, 7, decode(repeat('ab', 64), 'hex'))",
      {demo_.estateId});
  const auto path = ::testing::TempDir() + "legacy-keys-" + randomToken(6);
  EXPECT_EQ(exportLegacySigningKeys(*owner_, path), 1);
  EXPECT_EQ(count("SELECT count(*) AS n FROM gh_secret.legacy_estate_key"), 0);
  const auto ring = loadSigningKeyFile(path);
  ASSERT_TRUE(ring) << ring.error().message;
  ASSERT_EQ(ring->size(), 1u);
  EXPECT_EQ((*ring)[0].keyId, 7);
  EXPECT_EQ((*ring)[0].secret[0], 0xab);
  EXPECT_EQ(exportLegacySigningKeys(*owner_, path), 0);
  std::remove(path.c_str());
  // Nothing but owner reaches the legacy schema.
  auto c = app();
  EXPECT_EQ(refusal(c, "SELECT * FROM gh_secret.legacy_estate_key", {}, personId(demo_.adminEmail)),
            "forbidden");
}
