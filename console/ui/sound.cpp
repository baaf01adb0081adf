// ToneCue: queues 0.4 s of a 880/660 Hz chime on an SDL audio device opened on first use.
#include "sound.hpp"

#include <SDL.h>

#include <cmath>
#include <vector>

namespace gatehouse::console::app {

ToneCue::~ToneCue() {
  if (device_) SDL_CloseAudioDevice(device_);
}

void ToneCue::play() {
  ++played_;
  if (!enabled_) return;
  if (!tried_) {
    tried_ = true;
    if (SDL_WasInit(SDL_INIT_AUDIO) == 0 && SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) return;
    SDL_AudioSpec want{}, have{};
    want.freq = 44100;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 2048;
    device_ = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
    if (device_) SDL_PauseAudioDevice(device_, 0);
  }
  if (!device_) return;
  std::vector<std::int16_t> samples(44100 * 4 / 10);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double t = static_cast<double>(i) / 44100.0;
    const double f = i < samples.size() / 2 ? 880.0 : 660.0;
    const double env = std::min(1.0, std::min(t, 0.4 - t) * 50.0);
    samples[i] = static_cast<std::int16_t>(9000.0 * env * std::sin(2 * M_PI * f * t));
  }
  SDL_QueueAudio(device_, samples.data(),
                 static_cast<Uint32>(samples.size() * sizeof(std::int16_t)));
}

}  // namespace gatehouse::console::app
