// The kiosk application: wiring of config, outbox, sync worker, devices, flow and screens; the
// frame loop.
#pragma once

namespace gatehouse::kiosk {

// Parses the command line (see docs/kiosk.md) and runs until quit or the script ends.
// Exit codes: 0 ok, 1 bad config or arguments, 2 script failed, 3 no window / GL.
int runKiosk(int argc, char** argv);

}  // namespace gatehouse::kiosk
