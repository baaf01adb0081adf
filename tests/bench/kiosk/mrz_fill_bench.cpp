// Steady document -> "About you" filled, on the real gatehouse-kiosk binary offscreen: the
// simulated camera plays generated footage of a passport held steady (other noise and a slightly
// different angle each frame), and every run walks in to "About you" with the passport already
// in view. The kiosk's --bench prints each screen change with a wall-clock time: a run starts
// when visitor_details is shown (the MRZ reader gets frames from then on, after a reset) and ends
// when the script, having seen the fields filled (wait-id), taps back (find_resident shown, one
// UI frame later at most). With the kiosk's "mrz" and "id" lines it breaks each run down: when
// the first frame reached the MRZ worker, every attempt's CPU and wall time and outcome, frames
// the worker skipped, and when the read was posted, applied and drawn.
//   build/ci/tests/bench/kiosk/kiosk_mrz_fill_bench [RUNS] [CORPUS CASE INDEX] [UI FPS]
// UI FPS (default the harness's 60): the frame cap, to see what llvmpipe's drawing costs the
// reader (a kiosk with a GPU does not pay it on its CPU).
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "../../e2e/kiosk/kiosk_harness.hpp"
#include "gatehouse/devices/testing/mrz_corpus.hpp"

using namespace gatehouse;
using namespace gatehouse::e2e;

namespace {

double pct(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

std::string summary(const char* what, const std::vector<double>& v) {
  char line[200];
  std::snprintf(line, sizeof line, "  %-34s p50 %6.0f  p95 %6.0f  p99 %6.0f  max %6.0f\n", what,
                pct(v, 0.5), pct(v, 0.95), pct(v, 0.99), pct(v, 1.0));
  return line;
}

// One "mrz ..." line of the kiosk's --bench output: a frame the MRZ worker read.
struct MrzAttempt {
  long long captured = 0, started = 0, finished = 0;
  double cpuMs = 0;
  int skipped = 0, tries = 0, combined = 0, accepted = 0, reported = 0;
  std::string refused;
};

std::optional<MrzAttempt> parseAttempt(std::istringstream& l) {
  MrzAttempt a;
  std::string key;
  long long seq = 0, lines = 0;
  if (!(l >> key >> seq >> key >> a.captured >> key >> a.started >> key >> a.finished >> key >>
        a.cpuMs >> key >> a.skipped >> key >> lines >> key >> a.tries >> key >> a.combined >> key >>
        a.accepted >> key >> a.reported >> key >> a.refused))
    return std::nullopt;
  return a;
}

// One walk-in: "About you" shown .. back on find_resident, and what the MRZ worker did between.
struct Run {
  long long shown = -1, applied = -1, drawn = -1, left = -1;
  std::vector<MrzAttempt> attempts;  // started after `shown`, up to the one that was reported
  bool done() const { return !attempts.empty() && attempts.back().reported; }
};

double ms(long long fromUs, long long toUs) { return static_cast<double>(toUs - fromUs) / 1000.0; }

// Per run: when the first frame reached the worker, each attempt (start, CPU, wall, outcome),
// frames skipped, when the read was posted, applied and drawn; then the distributions.
Result<std::string> breakDown(const std::string& out, int runs) {
  std::vector<Run> done;
  Run cur;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    std::istringstream l(line);
    std::string word, name;
    long long us = 0;
    if (!(l >> word)) continue;
    if (word == "mrz" && cur.shown >= 0 && !cur.done()) {
      if (auto a = parseAttempt(l); a && a->started >= cur.shown) cur.attempts.push_back(*a);
      continue;
    }
    if (!(l >> name >> us)) continue;
    if (word == "id" && name == "applied" && cur.shown >= 0) cur.applied = us;
    if (word == "id" && name == "drawn" && cur.shown >= 0) cur.drawn = us;
    if (word == "state" && name == "visitor_details") cur = Run{us, -1, -1, -1, {}};
    if (word == "state" && name == "find_resident" && cur.shown >= 0) {
      cur.left = us;
      if (!cur.done() || cur.applied < 0 || cur.drawn < 0)
        return makeError("parse", "run " + std::to_string(done.size() + 1) +
                                      ": no reported MRZ read, applied and drawn before leaving");
      done.push_back(cur);
      cur = Run{};
    }
  }
  if (done.size() != static_cast<std::size_t>(runs))
    return makeError("parse", "expected " + std::to_string(runs) + " runs, parsed " +
                                  std::to_string(done.size()));
  std::ostringstream o;
  std::vector<double> total, drawn, firstStart, firstCaptured, posted, nAttempts, cpu, wall, wait;
  std::map<std::string, int> outcomes;
  int skipped = 0;
  o << "run  first_frame_captured  first_start  attempts(outcome:cpu/wall ms, skipped)  posted  "
       "applied  drawn  left (ms after About you shown)\n";
  for (std::size_t i = 0; i < done.size(); ++i) {
    const Run& r = done[i];
    const MrzAttempt& last = r.attempts.back();
    char head[120];
    std::snprintf(head, sizeof head, "%3zu  %6.0f  %6.0f  ", i + 1,
                  ms(r.shown, r.attempts.front().captured),
                  ms(r.shown, r.attempts.front().started));
    o << head;
    for (const auto& a : r.attempts) {
      const std::string what =
          a.accepted
              ? (a.combined > 1 ? "combined" + std::to_string(a.combined) : std::string("accepted"))
              : a.refused;
      char part[96];
      std::snprintf(part, sizeof part, "%s%s:%.0f/%.0f%s ", what.c_str(),
                    a.tries > 1 ? ("x" + std::to_string(a.tries)).c_str() : "", a.cpuMs,
                    ms(a.started, a.finished),
                    a.skipped ? (",s" + std::to_string(a.skipped)).c_str() : "");
      o << part;
      ++outcomes[what];
      skipped += a.skipped;
      cpu.push_back(a.cpuMs);
      wall.push_back(ms(a.started, a.finished));
      wait.push_back(ms(a.captured, a.started));
    }
    char tail[120];
    std::snprintf(tail, sizeof tail, " %6.0f %6.0f %6.0f %6.0f\n", ms(r.shown, last.finished),
                  ms(r.shown, r.applied), ms(r.shown, r.drawn), ms(r.shown, r.left));
    o << tail;
    total.push_back(ms(r.shown, r.left));
    drawn.push_back(ms(r.shown, r.drawn));
    posted.push_back(ms(r.shown, last.finished));
    firstStart.push_back(ms(r.shown, r.attempts.front().started));
    firstCaptured.push_back(ms(r.shown, r.attempts.front().captured));
    nAttempts.push_back(static_cast<double>(r.attempts.size()));
  }
  o << "distributions over " << done.size() << " runs (ms unless said):\n"
    << summary("shown -> left (the old figure)", total) << summary("shown -> name drawn", drawn)
    << summary("shown -> read posted", posted)
    << summary("shown -> first frame captured", firstCaptured)
    << summary("shown -> first attempt started", firstStart)
    << summary("attempts per fill (count)", nAttempts) << summary("attempt CPU", cpu)
    << summary("attempt wall", wall) << summary("frame captured -> attempt started", wait);
  o << "  outcomes:";
  for (const auto& [what, n] : outcomes) o << " " << what << " " << n;
  o << "; frames skipped (replaced in the mailbox) " << skipped << "\n";
  return o.str();
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 20;
  const std::size_t which = argc > 2 ? static_cast<std::size_t>(std::atoi(argv[2])) : 0;
  PrivateCluster pg;
  KioskSetup s;
  s.databaseUrl = pg.url("gatehouse", "gatehouse_kiosk");
  s.extraArgs = {"--bench"};
  if (argc > 3) s.extraArgs.insert(s.extraArgs.end(), {"--fps", argv[3]});  // the last one wins
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
  const auto report = breakDown(out, runs);
  if (!report) {
    std::cerr << report.error().message << "\n" << out;
    return 1;
  }
  std::printf("document %s, %d runs\n%s", doc.id.c_str(), runs, report.value().c_str());
  return 0;
}
