// Issues 9 and 10, roles: each process role can do its own job only; nothing logs in as the
// retired gatehouse_app; only the server reads hashes and TOTP secrets; admin rules hold in SQL.
#include <cstdio>
#include <tuple>

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

TEST_F(Roles, NothingConnectsAsTheRetiredAppRole) {
  EXPECT_THROW(Connection(db_->urlAs("gatehouse_app")), backend::Error);  // it has no password
  // Even with the right password it may not log in (a password proves NOLOGIN is what stops it).
  const auto password = randomToken(18);
  owner_->exec("ALTER ROLE gatehouse_app PASSWORD '" + password + "'");
  std::string refusal = "connected";
  try {
    Connection c(db_->urlAs("gatehouse_app") + "&password=" + password);
  } catch (const backend::Error& e) {
    refusal = e.what();
  }
  owner_->exec("ALTER ROLE gatehouse_app PASSWORD NULL");
  EXPECT_NE(refusal.find("not permitted to log in"), std::string::npos) << refusal;
}

TEST_F(Roles, EveryProcessRoleHasTheLoginAndInheritFlagsTheDocsSay) {
  // docs/SECURITY.md, "Roles": role, LOGIN, INHERIT, member of gatehouse_app.
  const std::vector<std::tuple<std::string, bool, bool, bool>> expected{
      {"gatehouse_app", false, false, false},
      {"gatehouse_server", true, true, true},
      {"gatehouse_worker", true, false, false},
      {"gatehouse_kiosk", true, false, false}};
  for (const auto& [role, login, inherit, member] : expected) {
    const auto rows = owner_->exec(
        "SELECT rolcanlogin AS l, rolinherit AS i, rolsuper OR rolcreaterole OR rolcreatedb OR "
        "rolbypassrls OR rolreplication AS power, (rolname <> 'gatehouse_app' AND "
        "pg_has_role(rolname, 'gatehouse_app', 'MEMBER')) AS m FROM pg_roles WHERE rolname = $1",
        {role});
    ASSERT_EQ(rows.size(), 1u) << role;
    EXPECT_EQ(rows[0].boolean("l"), login) << role;
    EXPECT_EQ(rows[0].boolean("i"), inherit) << role;
    EXPECT_EQ(rows[0].boolean("m"), member) << role;
    EXPECT_FALSE(rows[0].boolean("power")) << role;
  }
  // The console's direct-database sign-in is gone with its role.
  EXPECT_EQ(count("SELECT count(*) AS n FROM pg_proc WHERE proname IN ('staff_auth_begin', "
                  "'staff_auth_finish', 'totp_code', 'base32_decode')"),
            0);
}

TEST_F(Roles, OnlyTheServerCreatesSessionsAndReadsHashesOrTotpSecrets) {
  const auto guard = personId("guard1@harbour.example");
  const auto resident = personId("a-101@harbour.example");
  auto w = worker();
  auto& k = kiosk_->connection();
  for (Connection* c : {&w, &k}) {
    for (const std::string& sql : std::vector<std::string>{
             "SELECT * FROM gh.auth_lookup('a-101@harbour.example')",
             "SELECT gh.portal_session_create(" + std::to_string(resident) + ", '" +
                 std::string(64, 'a') + "', 'x', interval '1 day', 'ua')",
             "SELECT * FROM gh.portal_session_get('" + std::string(64, 'a') + "')",
             "SELECT gh.auth_record(" + std::to_string(guard) + ", true)",
             "SELECT * FROM gh.portal_reset_create('a-101@harbour.example', '" +
                 std::string(64, 'b') + "', interval '1 hour')",
             "SELECT totp_secret FROM gh.person", "SELECT password_hash FROM gh.person"}) {
      EXPECT_EQ(refusal(*c, sql), "forbidden") << sql;
    }
  }
  // Acting for a person does not open the hashes either: only the functions do.
  auto s = server();
  EXPECT_EQ(refusal(s, "SELECT password_hash FROM gh.person", {}, guard), "forbidden");
  EXPECT_EQ(s.exec("SELECT * FROM gh.auth_lookup('a-101@harbour.example')").size(), 1u);
  session(resident, 'c');
  EXPECT_EQ(sessions(resident), 1);
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
  auto& k = kiosk_->connection();
  EXPECT_EQ(refusal(k, "SELECT gh.console_housekeeping(interval '1 minute')"), "forbidden");
}

TEST_F(Roles, GuardsAndAdminsCannotWriteTheWatchlistDirectly) {
  auto c = server();
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
  auto c = server();
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
  auto c = server();
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
  auto c = server();
  EXPECT_EQ(refusal(c, "SELECT * FROM gh_secret.legacy_estate_key", {}, personId(demo_.adminEmail)),
            "forbidden");
}
