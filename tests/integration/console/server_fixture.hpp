// Console tests through the real server: the seeded database of ConsoleTest, the real
// gatehouse-portal binary in front of it, and guards signed in with password and TOTP.
#pragma once
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "console_fixture.hpp"
#include "gatehouse/backend/evidence_export.hpp"
#include "gatehouse/console/auth.hpp"
#include "gatehouse/console/live.hpp"
#include "gatehouse/console/server_client.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/testing/signing_key_file.hpp"
#include "server_process.hpp"

namespace gatehouse::console::test {

using testing::waitUntil;

class ServerConsoleTest : public ConsoleTest {
 protected:
  void SetUp() override {
    ConsoleTest::SetUp();
    keys_ = std::make_unique<gatehouse::testing::SigningKeyFile>(demo_.signingKeys);
    evidenceKeyFile_ = keys_->path() + ".evidence";  // the server's evidence key, as installed
    evidencePublicKey_ = backend::initEvidenceKey(*owner_, demo_.estateId, evidenceKeyFile_);
    server_ = std::make_unique<ServerProcess>(
        db_->urlAs("gatehouse_server"),
        std::vector<std::string>{"GATEHOUSE_SIGNING_KEY_FILE=" + keys_->path(),
                                 "GATEHOUSE_EVIDENCE_KEY_FILE=" + evidenceKeyFile_,
                                 "GATEHOUSE_PORTAL_SECRET=console-test-secret-0123456789abcdef"});
  }
  void TearDown() override {
    server_.reset();
    std::remove(evidenceKeyFile_.c_str());
  }

  ServerOptions serverOptions() const {
    ServerOptions o;
    o.url = server_->url();
    o.connectTimeout = std::chrono::seconds(2);
    o.requestTimeout = std::chrono::seconds(20);
    return o;
  }

  // Gives the account a second factor as an admin would; returns the base32 secret.
  std::string enableTotp(const std::string& email) {
    const std::string secret = "JBSWY3DPEHPK3PXP";
    owner_->exec("UPDATE gh.person SET totp_secret = $1 WHERE email = $2", {secret, email});
    return secret;
  }
  // The code for now + `steps` 30-second steps.
  static std::string codeFor(const std::string& secret, int steps = 0) {
    return totpCode(*base32Decode(secret), SystemClock::instance().unixSeconds() + 30 * steps);
  }

  // A code is accepted once per account: the n-th sign-in of an account in a test uses the code
  // of the n-th step from now (the server accepts one step of drift either side).
  std::string nextCode(const std::string& email) {
    const std::string secret = enableTotp(email);
    return codeFor(secret, usedSteps_[email]++);
  }

  std::shared_ptr<ServerClient> signIn(const std::string& email) {
    auto c = std::make_shared<ServerClient>(serverOptions());
    c->login(email, "gatehouse-demo", nextCode(email));
    return c;
  }

  std::unique_ptr<LiveConsole> openConsole(const Clock& clock, LiveOptions options = {},
                                           const std::string& email = {}) {
    client_ = signIn(email.empty() ? demo_.guardEmails[0] : email);
    auto live = std::make_unique<LiveConsole>(client_, clock, options);
    live->start();
    EXPECT_TRUE(waitUntil(
        [&] {
          live->pump();
          return live->online() && live->loaded() >= 4 && live->settled() &&
                 !live->snapshot().onSiteFromCache;
        },
        std::chrono::seconds(20)));
    return live;
  }

  // Runs a guard action through the console and waits for its answer.
  static std::optional<BackendError> actNow(LiveConsole& live,
                                            std::function<void(ConsoleBackend&)> action) {
    bool done = false;
    std::optional<BackendError> error;
    live.act(std::move(action), {Resource::Queue, Resource::Alerts, Resource::OnSite},
             [&](std::optional<BackendError> e) {
               error = std::move(e);
               done = true;
             });
    waitUntil(
        [&] {
          live.pump();
          return done;
        },
        std::chrono::seconds(20));
    EXPECT_TRUE(done);
    return error;
  }

  std::unique_ptr<gatehouse::testing::SigningKeyFile> keys_;
  std::string evidenceKeyFile_, evidencePublicKey_;
  std::unique_ptr<ServerProcess> server_;
  std::shared_ptr<ServerClient> client_;
  std::map<std::string, int> usedSteps_;
};

}  // namespace gatehouse::console::test
