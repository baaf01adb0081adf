// Where the spoken prompts are heard: the default SDL audio device, opened on first use. A kiosk
// without a sound card (tests, offscreen) drops the audio and says so once.
#pragma once
#include <SDL.h>

#include <mutex>

#include "gatehouse/speech/speaker.hpp"

namespace gatehouse::kiosk {

class AudioOut {
 public:
  AudioOut() = default;
  ~AudioOut();
  AudioOut(const AudioOut&) = delete;
  AudioOut& operator=(const AudioOut&) = delete;
  // Any thread. Replaces what is still queued: a new screen's prompt is the one that matters.
  void play(const speech::Pcm& pcm);

 private:
  std::mutex m_;
  SDL_AudioDeviceID device_ = 0;
  int rate_ = 0;
  bool failed_ = false;
};

}  // namespace gatehouse::kiosk
