// espeak-ng behind the Speaker: synchronous synthesis into a buffer, on one thread at a time
// (espeak-ng keeps global state), and a worker thread for the kiosk.
#include <espeak-ng/speak_lib.h>

#include <condition_variable>
#include <cstring>
#include <optional>
#include <thread>

#include "gatehouse/speech/speaker.hpp"

namespace gatehouse::speech {
namespace {

std::mutex gEspeak;   // espeak-ng is one global synthesiser
int gSampleRate = 0;  // > 0 once initialised, < 0 when it failed

int collect(short* wav, int count, espeak_EVENT* events) {
  if (wav && count > 0 && events && events->user_data) {
    auto* out = static_cast<std::vector<std::int16_t>*>(events->user_data);
    out->insert(out->end(), wav, wav + count);
  }
  return 0;  // go on
}

bool initialised() {
  if (gSampleRate == 0) {
    gSampleRate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, 0);
    if (gSampleRate > 0) espeak_SetSynthCallback(collect);
  }
  return gSampleRate > 0;
}

class EspeakSpeaker final : public Speaker {
 public:
  explicit EspeakSpeaker(std::function<void(const Pcm&)> sink)
      : sink_(std::move(sink)), thread_([this] { run(); }) {}
  ~EspeakSpeaker() override {
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void say(const std::string& language, const std::string& text) override {
    {
      std::lock_guard lock(m_);
      next_ = RecordingSpeaker::Prompt{language, text};
    }
    cv_.notify_all();
  }

 private:
  void run() {
    for (;;) {
      RecordingSpeaker::Prompt p;
      {
        std::unique_lock lock(m_);
        cv_.wait(lock, [&] { return stop_ || next_; });
        if (stop_) return;
        p = std::move(*next_);
        next_.reset();
      }
      if (auto pcm = synthesise(p.language, p.text); pcm && sink_) sink_(pcm.value());
    }
  }

  std::function<void(const Pcm&)> sink_;
  std::mutex m_;
  std::condition_variable cv_;
  std::optional<RecordingSpeaker::Prompt> next_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

Result<Pcm> synthesise(const std::string& language, const std::string& text) {
  std::lock_guard lock(gEspeak);
  if (!initialised()) return makeError("speech_unavailable", "espeak-ng did not initialise");
  if (espeak_SetVoiceByName(language.c_str()) != EE_OK)
    return makeError("unknown_voice", "espeak-ng has no voice " + language);
  Pcm pcm;
  pcm.sampleRate = gSampleRate;
  const espeak_ERROR e = espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                                      espeakCHARS_UTF8, nullptr, &pcm.samples);
  if (e != EE_OK) return makeError("synthesis_failed", "espeak_Synth failed");
  return pcm;
}

Result<std::unique_ptr<Speaker>> makeEspeakSpeaker(std::function<void(const Pcm&)> sink) {
  {
    std::lock_guard lock(gEspeak);
    if (!initialised()) return makeError("speech_unavailable", "espeak-ng did not initialise");
  }
  return std::unique_ptr<Speaker>(std::make_unique<EspeakSpeaker>(std::move(sink)));
}

}  // namespace gatehouse::speech
