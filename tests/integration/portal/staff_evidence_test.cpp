// Evidence export through the staff API: the real server signs a visit's bundle with its
// evidence key, and the real gatehouse-verify accepts the download and rejects a tampered copy.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gatehouse/backend/evidence_export.hpp"
#include "gatehouse/core/base64url.hpp"
#include "gatehouse/core/password.hpp"
#include "harness.hpp"

namespace gatehouse::portal::testing {
namespace {

namespace fs = std::filesystem;

class StaffEvidenceTest : public PortalTest {
 protected:
  void configure(PortalConfig& cfg) override {
    std::string tmpl = (fs::temp_directory_path() / "gh-staff-evidence-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    tmp_ = tmpl;
    publicKey_ =
        backend::initEvidenceKey(*admin_, demo_.estateId, (tmp_ / "evidence-key").string());
    cfg.evidenceKeyFile = (tmp_ / "evidence-key").string();
  }
  void TearDown() override {
    PortalTest::TearDown();
    fs::remove_all(tmp_);
  }

  // A session as the sign-in creates one (the sign-in itself is tested in signin_test.cpp).
  Browser staffSession(const std::string& email) {
    const auto token = randomToken(32);
    const auto csrf = randomToken(24);
    admin_->exec(
        "SELECT gh.portal_session_create($1, $2, $3, make_interval(hours => 1), 'evidence test')",
        {personId(email), sha256Hex(token), csrf});
    return Browser{"gh_session=" + token, csrf, json::object()};
  }
  // A visit at kiosk 1 with an entry and an exit photo, another visit's photo between them.
  Uuid visitWithTwoPhotos() {
    const auto visit = requestVisit("A-101", "Vera Evidence");
    addPhoto(visit, backend::EvidenceKind::EntryPhoto, "\xff\xd8 entry photo of Vera");
    addPhoto(requestVisit("A-102", "Someone Else"), backend::EvidenceKind::EntryPhoto,
             "\xff\xd8 another visitor");
    addPhoto(visit, backend::EvidenceKind::ExitPhoto, "\xff\xd8 exit photo of Vera");
    return visit;
  }
  // Runs the real gatehouse-verify on `file` against the estate's published key.
  int verify(const fs::path& file, std::string* out = nullptr) {
    const auto log = tmp_ / "verify.txt";
    const std::string cmd = "env -u GATEHOUSE_DATABASE_URL " + std::string(GATEHOUSE_VERIFY_BIN) +
                            " '" + file.string() + "' --public-key " + publicKey_ + " > '" +
                            log.string() + "' 2>&1";
    const int rc = std::system(cmd.c_str());
    if (out) {
      std::ifstream in(log);
      std::stringstream text;
      text << in.rdbuf();
      *out = text.str();
    }
    return rc;
  }
  fs::path save(const std::string& name, const std::string& bytes) {
    std::ofstream(tmp_ / name, std::ios::binary) << bytes;
    return tmp_ / name;
  }
  std::string evidencePath(const Uuid& visit) {
    return "/api/staff/visits/" + visit.toString() + "/evidence";
  }

  fs::path tmp_;
  std::string publicKey_;
};

TEST_F(StaffEvidenceTest, AGuardDownloadsABundleThatGatehouseVerifyAccepts) {
  const auto visit = visitWithTwoPhotos();
  auto res = get(staffSession(demo_.guardEmails[0]), evidencePath(visit));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/x-tar");
  EXPECT_EQ(res->get_header_value("Content-Disposition"),
            "attachment; filename=\"evidence-" + visit.toString() + ".tar\"");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  const auto file = save("evidence.tar", res->body);
  std::string out;
  EXPECT_EQ(verify(file, &out), 0) << out;
  EXPECT_NE(out.find("VERIFIED"), std::string::npos) << out;
  EXPECT_NE(out.find("2 photo(s), 3 chain link(s)"), std::string::npos) << out;
  EXPECT_NE(out.find("exit_photo of visit " + visit.toString()), std::string::npos) << out;

  // The same bundle, one byte changed anywhere, is rejected.
  for (const std::size_t at : {std::size_t{10}, res->body.size() / 3, res->body.size() - 1030}) {
    std::string tampered = res->body;
    tampered[at] = static_cast<char>(tampered[at] ^ 0x04);
    EXPECT_NE(verify(save("tampered.tar", tampered), &out), 0) << "byte " << at;
    EXPECT_NE(out.find("REJECTED"), std::string::npos) << out;
  }
}

TEST_F(StaffEvidenceTest, TheExportIsAuditedWithTheGuardAsActor) {
  const auto visit = visitWithTwoPhotos();
  auto res = get(staffSession(demo_.guardEmails[0]), evidencePath(visit));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(db_.exec("SELECT actor_person::text || ' ' || (details->>'photos') || ' ' || "
                     "(details->>'via') FROM gh.audit_log WHERE action = 'evidence.export' "
                     "AND subject = '" +
                     visit.toString() + "'"),
            std::to_string(personId(demo_.guardEmails[0])) + " 2 staff_api");
}

TEST_F(StaffEvidenceTest, AnotherEstatesGuardAndUnknownVisitsGetNotFoundAndNothingIsAudited) {
  const auto visit = visitWithTwoPhotos();
  const auto other = staffSession("guard@hillside.example");
  auto res = get(other, evidencePath(visit));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404) << res->body;
  EXPECT_EQ(json::parse(res->body)["error"], "not_found");
  const auto guard = staffSession(demo_.guardEmails[0]);
  for (const std::string& path :
       {evidencePath(Uuid::random()), std::string("/api/staff/visits/"
                                                  "not-a-uuid/evidence")}) {
    res = get(guard, path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << path << ": " << res->body;
  }
  res = get(guard, evidencePath(requestVisit("A-101", "No Photos")));  // a visit, no evidence
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(db_.exec("SELECT count(*) FROM gh.audit_log WHERE action = 'evidence.export'"), "0");
}

TEST_F(StaffEvidenceTest, ResidentsAndSignedOutCallersAreRefused) {
  const auto visit = visitWithTwoPhotos();
  auto res = get(signIn("a-101@harbour.example"), evidencePath(visit));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403) << res->body;
  auto c = client();
  res = c.Get(evidencePath(visit).c_str());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(db_.exec("SELECT count(*) FROM gh.audit_log WHERE action = 'evidence.export'"), "0");
}

TEST_F(StaffEvidenceTest, AnEstateWithoutTheServersKeyGetsAClearServiceError) {
  // Hillside's own visit: the server's key file signs for Harbour View only.
  const auto other = std::to_string(demo_.otherEstateId);
  backend::KioskClient hillsideKiosk(
      db_.urlAs("gatehouse_kiosk"),
      backend::KioskCredentials{
          std::stoll(db_.exec("SELECT id FROM gh.kiosk WHERE estate_id = " + other)),
          "demo-hillside-kiosk-token"});
  backend::VisitRequest r;
  r.visitId = Uuid::random();
  r.unitId = std::stoll(db_.exec("SELECT id FROM gh.unit WHERE estate_id = " + other));
  r.visitorName = "Hill Visitor";
  r.purpose = "Delivery";
  r.requestedAt = std::chrono::system_clock::now();
  hillsideKiosk.requestVisit(r);
  backend::Evidence e;
  e.evidenceId = Uuid::random();
  e.visitId = r.visitId;
  e.kind = backend::EvidenceKind::EntryPhoto;
  e.data = {0xff, 0xd8, 0x01};
  e.capturedAt = std::chrono::system_clock::now();
  hillsideKiosk.addEvidence(e);
  auto res = get(staffSession("guard@hillside.example"), evidencePath(r.visitId));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503) << res->body;
  EXPECT_EQ(json::parse(res->body)["error"], "evidence_key_missing");
  EXPECT_EQ(db_.exec("SELECT count(*) FROM gh.audit_log WHERE action = 'evidence.export'"), "0");
}

}  // namespace
}  // namespace gatehouse::portal::testing
