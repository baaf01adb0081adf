// What --bench measures, and its JSON line.
#include "bench_stats.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>

namespace gatehouse::kiosk {
namespace {

long residentKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

double pct(std::vector<double> v, double p) {
  if (v.empty()) return -1.0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

void BenchStats::applied(const flow::Event& e) {
  using K = flow::EventKind;
  if (e.kind == K::StartPass || e.kind == K::StartWalkIn) marks_.clear();
  marks_.emplace(e.kind, Steady::now());
  auto ms = [&](K a, K b) {
    return std::chrono::duration<double, std::milli>(marks_.at(b) - marks_.at(a)).count();
  };
  if (e.kind == K::PassAccepted && marks_.count(K::CodeScanned))
    passCheck_.push_back(ms(K::CodeScanned, K::PassAccepted));
  if (e.kind == K::PrintJobAccepted) {
    if (marks_.count(K::PhotoAccepted)) tapToJob_.push_back(ms(K::PhotoAccepted, e.kind));
    if (marks_.count(K::CodeScanned)) passToJob_.push_back(ms(K::CodeScanned, e.kind));
  }
}

double BenchStats::threadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

void BenchStats::frame(Steady::time_point frameStart, double cpuStartMs) {
  const auto now = Steady::now();
  if (firstFrameMs_ < 0)
    firstFrameMs_ = std::chrono::duration<double, std::milli>(now - started_).count();
  if (frames_ > 10) {
    frameMs_.push_back(std::chrono::duration<double, std::milli>(now - frameStart).count());
    frameCpuMs_.push_back(threadCpuMs() - cpuStartMs);
  }
  ++frames_;
}

void BenchStats::print(int width, int height) const {
  if (frameMs_.empty()) return;
  nlohmann::json j{{"frames", frameMs_.size()},
                   {"size", std::to_string(width) + "x" + std::to_string(height)},
                   {"frame_wall_ms_p50", pct(frameMs_, 0.5)},
                   {"frame_wall_ms_p99", pct(frameMs_, 0.99)},
                   {"frame_wall_ms_max", *std::max_element(frameMs_.begin(), frameMs_.end())},
                   {"frame_cpu_ms_p50", pct(frameCpuMs_, 0.5)},
                   {"frame_cpu_ms_p99", pct(frameCpuMs_, 0.99)},
                   {"first_frame_ms", firstFrameMs_},
                   {"rss_kib", residentKiB()}};
  if (!tapToJob_.empty()) j["tap_to_job_accepted_ms_p50"] = pct(tapToJob_, 0.5);
  if (!passToJob_.empty()) j["pass_shown_to_job_accepted_ms_p50"] = pct(passToJob_, 0.5);
  if (!passCheck_.empty()) j["pass_check_ms_p50"] = pct(passCheck_, 0.5);
  j["visits"] = tapToJob_.size();
  std::printf("bench: %s\n", j.dump().c_str());
}

}  // namespace gatehouse::kiosk
