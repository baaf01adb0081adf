// Steady document -> "About you" filled, on the real gatehouse-kiosk binary offscreen: the
// simulated camera plays generated footage of a passport held steady (other noise and a slightly
// different angle each frame), and every run walks in to "About you" with the passport already
// in view. The kiosk's --bench prints each screen change with a wall-clock time: a run starts
// when visitor_details is shown (the MRZ reader gets frames from then on, after a reset) and ends
// when the script, having seen the fields filled (wait-id), taps back (find_resident shown, one
// UI frame later at most).
//   build/ci/tests/bench/kiosk/kiosk_mrz_fill_bench [RUNS] [CORPUS CASE INDEX]
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "../../e2e/kiosk/kiosk_harness.hpp"
#include "gatehouse/devices/testing/mrz_corpus.hpp"

using namespace gatehouse;
using namespace gatehouse::e2e;

namespace {

double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 20;
  const std::size_t which = argc > 2 ? static_cast<std::size_t>(std::atoi(argv[2])) : 0;
  PrivateCluster pg;
  KioskSetup s;
  s.databaseUrl = pg.url("gatehouse", "gatehouse_kiosk");
  s.extraArgs = {"--bench"};
  s.screenshots = false;
  s.scanner = "camera";
  // Footage: the document steady in view, as the kiosk's camera would see it at 1280x720.
  const auto footage = std::filesystem::path(binaryDir()) / "e2e-kiosk" / "mrz-fill-footage";
  std::filesystem::remove_all(footage);
  std::filesystem::create_directories(footage);
  const auto corpus = devices::testing::mrzCorpus();
  const auto doc = corpus.at(which);
  for (int i = 0; i < 12; ++i) {
    auto c = doc;
    c.id += "-" + std::to_string(i);
    c.distortion.rotateDeg += (i % 5) - 2;  // a hand is never quite still
    char name[32];
    std::snprintf(name, sizeof name, "frame_%03d.jpg", i);
    cv::imwrite((footage / name).string(), devices::testing::renderCase(c, {1280, 720}));
  }
  s.cameraSource = footage.string();
  Kiosk kiosk("mrz_fill_bench", s);
  std::string script = "wait-screen welcome 60\n";
  for (int i = 0; i < runs; ++i)
    script +=
        "tap welcome.walk_in\nwait-screen find_resident\ntype a-101\ntap unit.A-101\n"
        "wait-screen visitor_details\nwait-id 60\ntap nav.back\nwait-screen find_resident\n"
        "tap nav.back\nwait-screen welcome\n";
  kiosk.start(script, "bench");
  const int rc = kiosk.wait(std::chrono::seconds(1800));
  const std::string out = readFile(kiosk.file("bench.out"));
  if (rc != 0) {
    std::cerr << kiosk.log();
    return 1;
  }
  std::vector<double> ms;
  std::istringstream in(out);
  std::string word, state;
  long long shownUs = -1;
  for (std::string line; std::getline(in, line);) {
    std::istringstream l(line);
    long long us = 0;
    if (!(l >> word >> state >> us) || word != "state") continue;
    if (state == "visitor_details") shownUs = us;
    if (state == "find_resident" && shownUs >= 0) {
      ms.push_back(static_cast<double>(us - shownUs) / 1000.0);
      shownUs = -1;
    }
  }
  if (ms.size() != static_cast<std::size_t>(runs)) {
    std::cerr << "expected " << runs << " runs, parsed " << ms.size() << "\n" << out;
    return 1;
  }
  std::printf(
      "document %s: steady -> fields filled over %zu runs: p50 %.0f ms, p99 %.0f ms, "
      "max %.0f ms\n",
      doc.id.c_str(), ms.size(), pct(ms, 0.5), pct(ms, 0.99), pct(ms, 1.0));
  return 0;
}
