// The escalation cue: a short generated two-tone chime through SDL audio. Without an audio
// device (offscreen, tests) it only counts, so a test can see that the cue fired.
#pragma once
#include <cstdint>

namespace gatehouse::console::app {

class ToneCue {
 public:
  ~ToneCue();
  void setEnabled(bool enabled) { enabled_ = enabled; }
  void play();
  int played() const { return played_; }
  bool audible() const { return device_ != 0; }

 private:
  bool enabled_ = true;
  bool tried_ = false;
  std::uint32_t device_ = 0;
  int played_ = 0;
};

}  // namespace gatehouse::console::app
