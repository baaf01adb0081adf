// What --bench measures: frame times, start-up, memory and per-visit latencies, printed as JSON.
#pragma once
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "gatehouse/flow/flow.hpp"

namespace gatehouse::kiosk {

class BenchStats {
 public:
  using Steady = std::chrono::steady_clock;
  explicit BenchStats(Steady::time_point started) : started_(started) {}

  // An event the flow applied: latency marks within the current visit.
  void applied(const flow::Event& e);
  // One frame: wall time from frameStart, CPU time of this thread since cpuStartMs.
  void frame(Steady::time_point frameStart, double cpuStartMs);
  static double threadCpuMs();
  // The "bench: {...}" line (nothing when no frame was measured).
  void print(int width, int height) const;

 private:
  Steady::time_point started_;
  std::map<flow::EventKind, Steady::time_point> marks_;
  std::vector<double> tapToJob_, passToJob_, passCheck_;
  std::vector<double> frameMs_, frameCpuMs_;
  double firstFrameMs_ = -1;
  int frames_ = 0;
};

}  // namespace gatehouse::kiosk
