// Kiosk latency benchmark: pass shown -> badge job accepted and "use this photo" tap -> job
// accepted, with the real binary, a private PostgreSQL cluster, a private cupsd and a raw TCP
// printer.
//   build/dev/tests/bench/kiosk/kiosk_bench [VISITS]
// Frame-time figures come from the binary itself: gatehouse-kiosk --bench-preview
// (docs/BENCHMARKS.md).
#include <cstdio>
#include <iostream>

#include "../../e2e/kiosk/kiosk_harness.hpp"
#include "gatehouse/devices/testing/private_cups.hpp"

using namespace gatehouse;
using namespace gatehouse::e2e;

int main(int argc, char** argv) {
  const int visits = argc > 1 ? std::atoi(argv[1]) : 5;
  PrivateCluster pg;
  auto cups = devices::testing::PrivateCups::start();
  if (!cups) {
    std::cerr << cups.error().message << "\n";
    return 1;
  }
  devices::testing::RawPrinterListener printer;
  if (!cups.value()->addQueue("bench", printer.uri())) return 1;
  KioskSetup s;
  s.databaseUrl = pg.url("gatehouse", "gatehouse_kiosk");
  s.printer = "cups:bench";
  s.cupsServer = cups.value()->server();
  s.extraArgs = {"--bench"};
  s.screenshots = false;  // PNG encoding on the UI thread would be measured too
  Kiosk k("bench", s);
  std::string script = "wait-screen welcome 60\nwait-cache\n";
  for (int i = 0; i < visits; ++i) {
    const auto file = k.file("pass" + std::to_string(i) + ".txt");
    writeFile(file,
              makePass(pg.url("gatehouse"), "now() - interval '1 hour', now() + interval '1 day'"));
    script += "tap welcome.pass\nwait-screen scan_pass\nscan @" + file.string() +
              "\nwait-screen photo 30\nwait-frames 3\ntap photo.take\nwait-screen "
              "photo_review\ntap review.use\n"
              "wait-screen done 60\ntap outcome.finish\nwait-screen welcome\n";
  }
  k.start(script, "bench");
  const int rc = k.wait(std::chrono::seconds(600));
  const std::string out = readFile(k.file("bench.out"));
  std::printf("%s", out.c_str());
  if (rc != 0) {
    std::cerr << k.log();
    return 1;
  }
  printer.waitForJobs(static_cast<std::size_t>(visits));
  std::printf("badges received by the printer: %zu\n", printer.jobs().size());
  return 0;
}
