// A seeded database (demo estate), two simulated kiosks and the guard's ids for console tests.
#pragma once
#include <gtest/gtest.h>

#include <memory>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/kiosk_client.hpp"
#include "gatehouse/console/image.hpp"
#include "gatehouse/testing/test_database.hpp"
#include "gatehouse/testing/wait.hpp"

namespace gatehouse::console::test {

using backend::Connection;
using backend::KioskClient;

class ConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>();
    owner_ = std::make_unique<Connection>(db_->url());
    demo_ = backend::seedDemo(*owner_);
    for (int i = 0; i < 2; ++i) {
      kiosks_.push_back(std::make_unique<KioskClient>(
          db_->urlAs("gatehouse_kiosk"),
          backend::KioskCredentials{demo_.kiosks[i].kioskId, demo_.kiosks[i].token}));
    }
    guard_ = personId(demo_.guardEmails[0]);
    admin_ = personId(demo_.adminEmail);
  }

  std::string workerUrl() const { return db_->urlAs("gatehouse_worker"); }
  std::int64_t personId(const std::string& email) {
    return owner_->exec("SELECT id FROM gh.person WHERE email = $1", {email})[0].int64("id");
  }
  std::int64_t unitId(const std::string& label) {
    return owner_
        ->exec("SELECT id FROM gh.unit WHERE label = $1 AND estate_id = $2",
               {label, demo_.estateId})[0]
        .int64("id");
  }
  std::string scalar(const std::string& sql, const backend::Params& params = {}) {
    return owner_->exec(sql, params)[0].text(0);
  }

  // A walk-in at kiosk `k` (0 or 1), with an entry photo.
  Uuid walkIn(int k, const std::string& name, const std::string& unit = "A-101") {
    backend::VisitRequest r;
    r.visitId = Uuid::random();
    r.unitId = unitId(unit);
    r.visitorName = name;
    r.visitorPhone = "+44 20 7946 0999";
    r.purpose = "Delivery";
    r.requestedAt = std::chrono::system_clock::now();
    kiosks_[static_cast<std::size_t>(k)]->requestVisit(r);
    backend::Evidence e;
    e.evidenceId = Uuid::random();
    e.visitId = r.visitId;
    e.contentType = "image/png";
    e.data = makePlaceholderPng(48, 48, 200, 150, 90);
    e.capturedAt = std::chrono::system_clock::now();
    kiosks_[static_cast<std::size_t>(k)]->addEvidence(e);
    return r.visitId;
  }

  // Walk-in, approved by the guard, checked in at the kiosk.
  Uuid onSiteVisitor(int k, const std::string& name, const std::string& unit = "A-101") {
    const Uuid v = walkIn(k, name, unit);
    owner_->asPerson(guard_, [&](Connection& tx) {
      tx.exec("SELECT gh.decide_visit($1, true, 'called the resident')", {v});
    });
    kiosks_[static_cast<std::size_t>(k)]->checkIn(v, std::string(64, 'a'),
                                                  std::chrono::system_clock::now());
    return v;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Connection> owner_;
  backend::DemoEstate demo_;
  std::vector<std::unique_ptr<KioskClient>> kiosks_;
  std::int64_t guard_ = 0;
  std::int64_t admin_ = 0;
};

}  // namespace gatehouse::console::test
