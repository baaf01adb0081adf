// A migrated, seeded database per test with the demo estate, a kiosk client and person lookups.
#pragma once
#include <gtest/gtest.h>

#include <memory>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/kiosk_client.hpp"
#include "gatehouse/testing/test_database.hpp"

namespace gatehouse::backend::test {

class BackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>();
    owner_ = std::make_unique<Connection>(db_->url());
    demo_ = seedDemo(*owner_);
    kiosk_ = std::make_unique<KioskClient>(
        db_->urlAs("gatehouse_kiosk"),
        KioskCredentials{demo_.kiosks[0].kioskId, demo_.kiosks[0].token});
  }

  std::int64_t personId(const std::string& email) {
    return owner_->exec("SELECT id FROM gh.person WHERE email = $1", {email})[0].int64("id");
  }
  std::int64_t unitId(const std::string& label) {
    return owner_->exec("SELECT id FROM gh.unit WHERE label = $1", {label})[0].int64("id");
  }
  // The server's connection (gatehouse_server). A test acting for a person with
  // `asPerson` stands for the server after it authenticated that person; gatehouse_app is the
  // NOLOGIN group role holding those per-person privileges, and nothing connects as it.
  Connection server() { return Connection(db_->urlAs("gatehouse_server")); }

  VisitRequest walkIn(const std::string& unit = "A-101", const std::string& name = "Vera Visitor") {
    VisitRequest r;
    r.visitId = Uuid::random();
    r.unitId = unitId(unit);
    r.visitorName = name;
    r.visitorPhone = "+1 555 0100";
    r.purpose = "Delivery";
    r.requestedAt = std::chrono::system_clock::now();
    return r;
  }

  // As resident `email` (the server acting for them, under RLS), approve or deny.
  std::string decideAs(const std::string& email, const Uuid& visit, bool approve,
                       const std::string& reason = {}) {
    auto c = server();
    std::string status;
    c.asPerson(personId(email), [&](Connection& tx) {
      status = tx.exec("SELECT gh.decide_visit($1, $2, nullif($3, '')) AS s",
                       {visit, approve, reason})[0]
                   .text("s");
    });
    return status;
  }

  std::string statusOf(const Uuid& visit) {
    return owner_->exec("SELECT status::text AS s FROM gh.visit WHERE id = $1", {visit})[0].text(
        "s");
  }
  std::int64_t count(const std::string& sql, const Params& params = {}) {
    return owner_->exec(sql, params)[0].int64("n");
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Connection> owner_;
  DemoEstate demo_;
  std::unique_ptr<KioskClient> kiosk_;
};

}  // namespace gatehouse::backend::test
