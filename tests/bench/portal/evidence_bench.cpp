// Evidence export through the staff route: GET /api/staff/visits/{id}/evidence for a visit with
// two 150 KB photos (loopback, the real server and cluster), then verification of the download.
//   evidence_bench [--runs 20]
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gatehouse/backend/admin.hpp"
#include "gatehouse/backend/evidence_export.hpp"
#include "gatehouse/backend/kiosk_client.hpp"
#include "gatehouse/evidence/bundle.hpp"
#include "gatehouse/portal/portal.hpp"
#include "gatehouse/testing/signing_key_file.hpp"
#include "gatehouse/testing/test_database.hpp"

using namespace gatehouse;
namespace fs = std::filesystem;
using Ms = std::chrono::duration<double, std::milli>;

namespace {

Uuid visitWithTwoPhotos(backend::KioskClient& kiosk, std::int64_t unit) {
  backend::VisitRequest r;
  r.visitId = Uuid::random();
  r.unitId = unit;
  r.visitorName = "Bench Visitor";
  r.purpose = "Delivery";
  r.requestedAt = std::chrono::system_clock::now();
  kiosk.requestVisit(r);
  for (const auto kind : {backend::EvidenceKind::EntryPhoto, backend::EvidenceKind::ExitPhoto}) {
    backend::Bytes photo(150 * 1024);
    for (std::size_t i = 0; i < photo.size(); ++i)
      photo[i] = static_cast<std::uint8_t>((i * 131 + static_cast<std::size_t>(kind)) % 251);
    photo[0] = 0xFF;
    photo[1] = 0xD8;
    kiosk.addEvidence(
        {Uuid::random(), r.visitId, kind, "image/jpeg", photo, std::chrono::system_clock::now()});
  }
  return r.visitId;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 20;
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::string(argv[i]) == "--runs") runs = std::max(1, std::stoi(argv[i + 1]));

  testing::TestDatabase db;
  backend::Connection admin(db.url());
  auto demo = backend::seedDemo(admin);
  const auto dir = fs::temp_directory_path() / ("gh-evidence-bench-" + Uuid::random().toString());
  fs::create_directories(dir);
  const auto keyFile = (dir / "evidence-key").string();
  backend::initEvidenceKey(admin, demo.estateId, keyFile);
  const auto key = *evidence::loadKeyFile(keyFile);
  const auto guard =
      std::stoll(db.exec("SELECT id FROM gh.person WHERE email = '" + demo.guardEmails[0] + "'"));
  db.exec(
      "INSERT INTO gh.portal_session (token_hash, person_id, csrf_token, expires_at) VALUES "
      "(encode(sha256(convert_to('evidence-bench', 'UTF8')), 'hex'), " +
      std::to_string(guard) + ", 'csrf', now() + interval '1 hour')");

  portal::PortalConfig cfg;
  gatehouse::testing::SigningKeyFile signingKeys(demo.signingKeys);
  cfg.databaseUrl = db.urlAs("gatehouse_server");
  cfg.signingKeyFile = signingKeys.path();
  cfg.evidenceKeyFile = keyFile;
  cfg.port = 0;
  cfg.accessLog = false;
  cfg.secret = "bench-secret";
  portal::Portal portal(cfg);
  portal.start();
  backend::KioskClient kiosk(db.urlAs("gatehouse_kiosk"),
                             {demo.kiosks[0].kioskId, demo.kiosks[0].token});
  const auto visit = visitWithTwoPhotos(
      kiosk, std::stoll(db.exec("SELECT id FROM gh.unit WHERE label = 'A-101'")));

  httplib::Client client("127.0.0.1", portal.port());
  client.set_read_timeout(30, 0);
  const std::string path = "/api/staff/visits/" + visit.toString() + "/evidence";
  std::vector<double> exportMs, verifyMs;
  std::size_t bytes = 0;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto res = client.Get(path.c_str(), httplib::Headers{{"Cookie", "gh_session=evidence-bench"}});
    const auto t1 = std::chrono::steady_clock::now();
    if (!res || res->status != 200) {
      std::printf("{\"error\":\"status %d\"}\n", res ? res->status : 0);
      return 1;
    }
    bytes = res->body.size();
    const auto file = dir / "bundle.tar";
    std::ofstream(file, std::ios::binary | std::ios::trunc) << res->body;
    const auto t2 = std::chrono::steady_clock::now();
    const bool ok = evidence::verifyBundle(file.string(), key.publicKey).ok;
    const auto t3 = std::chrono::steady_clock::now();
    if (!ok) {
      std::printf("{\"error\":\"the download did not verify\"}\n");
      return 1;
    }
    exportMs.push_back(Ms(t1 - t0).count());
    verifyMs.push_back(Ms(t3 - t2).count());
  }
  portal.stop(std::chrono::seconds(2));
  fs::remove_all(dir);
  std::printf(
      "{\"bench\":\"staff_evidence_route\",\"n\":%d,\"bytes\":%zu,\"export_p50_ms\":%.2f,"
      "\"export_max_ms\":%.2f,\"verify_p50_ms\":%.2f,\"verify_max_ms\":%.2f}\n",
      runs, bytes, percentile(exportMs, 0.5), percentile(exportMs, 1.0), percentile(verifyMs, 0.5),
      percentile(verifyMs, 1.0));
  return 0;
}
