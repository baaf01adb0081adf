// Spoken prompts out of the default SDL audio device.
#include "audio_out.hpp"

#include <cstdio>

namespace gatehouse::kiosk {

AudioOut::~AudioOut() {
  if (device_) SDL_CloseAudioDevice(device_);
}

void AudioOut::play(const speech::Pcm& pcm) {
  std::lock_guard lock(m_);
  if (failed_ || pcm.samples.empty()) return;
  if (device_ && rate_ != pcm.sampleRate) {
    SDL_CloseAudioDevice(device_);
    device_ = 0;
  }
  if (!device_) {
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
      failed_ = true;
      std::fprintf(stderr, "gatehouse-kiosk: no audio, prompts are not heard: %s\n",
                   SDL_GetError());
      return;
    }
    SDL_AudioSpec want{};
    want.freq = pcm.sampleRate;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 2048;
    device_ = SDL_OpenAudioDevice(nullptr, 0, &want, nullptr, 0);
    if (!device_) {
      failed_ = true;
      std::fprintf(stderr, "gatehouse-kiosk: no audio device, prompts are not heard: %s\n",
                   SDL_GetError());
      return;
    }
    rate_ = pcm.sampleRate;
    SDL_PauseAudioDevice(device_, 0);
  }
  SDL_ClearQueuedAudio(device_);
  SDL_QueueAudio(device_, pcm.samples.data(),
                 static_cast<Uint32>(pcm.samples.size() * sizeof(std::int16_t)));
}

}  // namespace gatehouse::kiosk
