// Why each corpus frame the MRZ reader misses fails (as readMrzImage sees the frame before any
// retry): band not found, line not segmented into an MRZ width, or refused by the resolver (its
// reason, and the glyphs whose true character leads the next by less than 0.06).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "gatehouse/devices/mrz_reader.hpp"
#include "gatehouse/devices/testing/mrz_corpus.hpp"
#include "mrz_internal.hpp"

using namespace gatehouse::devices;
using namespace gatehouse::devices::testing;

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t a = 0, b; (b = s.find('\n', a)) != std::string::npos; a = b + 1)
    out.push_back(s.substr(a, b - a));
  return out;
}

double threadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// CPU per readMrzImage call (every attempt and retry of one frame).
struct CpuTally {
  double sum = 0, max = 0;
  int n = 0;
};

// "band", "segment", "classify N", "resolve: why" or "read".
std::string diagnose(const MrzCase& c, const cv::Mat& frame, const MrzRecogniser& rec,
                     CpuTally& cpu) {
  const auto truth = split(c.mrz);
  const double t0 = threadCpuMs();
  const auto frameRead = readMrzImage(frame, rec, kCorpusToday);
  const double ms = threadCpuMs() - t0;
  cpu.sum += ms, cpu.max = std::max(cpu.max, ms), ++cpu.n;
  if (frameRead.accepted)
    return frameRead.accepted->text == c.mrz ? "read"
                                             : "WRONG\n" + frameRead.accepted->text + c.mrz;
  const mrz::Band band = mrz::locateBand(frame);
  if (band.lines.size() != truth.size())
    return "band (" + std::to_string(band.lines.size()) + " lines)";
  std::vector<MrzLineScores> lines;
  int wrong = 0;
  std::string seen;
  for (std::size_t l = 0; l < truth.size(); ++l) {
    auto scores = rec.readLine(band.lines[l]);
    if (scores.size() != truth[l].size())
      return "segment (line " + std::to_string(l) + ": " + std::to_string(scores.size()) + ")";
    for (std::size_t i = 0; i < scores.size(); ++i) {
      const auto& g = scores[i];
      const auto t = kMrzAlphabet.find(truth[l][i]);
      float other = -2;
      char oc = '?';
      for (std::size_t k = 0; k < g.score.size(); ++k)
        if (k != t && g.score[k] > other) other = g.score[k], oc = kMrzAlphabet[k];
      if (g.score[t] - other < 0.06f) {
        ++wrong;
        char buf[48];
        std::snprintf(buf, sizeof buf, "%c/%c%+.2f ", truth[l][i], oc, g.score[t] - other);
        seen += buf;
      }
    }
    lines.push_back(std::move(scores));
  }
  auto r = resolveMrz(lines, kCorpusToday, [&](const MrzKnownText& known) {
    return rec.readThroughOptics(band.lines, known);
  });
  if (r) return "read upright only";
  return "resolve: " + r.error().message + " (close " + std::to_string(wrong) + ": " + seen + ")";
}

}  // namespace

int main(int argc, char** argv) {
  const int width = argc > 1 ? std::atoi(argv[1]) : 1280;
  const cv::Size size(width, width * 9 / 16);
  const unsigned variant = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto rec = makeMrzRecogniser(argc > 3 ? argv[3] : "ocrb");
  std::printf(
      "recogniser made in %.0f ms\n",
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  if (!rec) return std::fprintf(stderr, "%s\n", rec.error().message.c_str()), 1;
  int expected = 0, read = 0;
  CpuTally cpu;
  for (const auto& c : mrzCorpus(variant)) {
    if (!c.expectRead) continue;
    ++expected;
    const std::string why = diagnose(c, renderCase(c, size), *rec.value(), cpu);
    if (why == "read")
      ++read;
    else
      std::printf("%-32s %s\n", c.id.c_str(), why.c_str());
  }
  std::printf("read %d of %d; CPU per frame (all attempts) mean %.1f ms, max %.1f ms\n", read,
              expected, cpu.sum / std::max(1, cpu.n), cpu.max);
  return 0;
}
