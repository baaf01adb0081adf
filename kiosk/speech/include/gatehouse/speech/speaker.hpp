// Spoken prompts: a Speaker says one sentence in a language. The real one synthesises with
// espeak-ng on its own thread and hands the audio to a sink; the recording twin keeps what it was
// asked.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gatehouse/core/result.hpp"

namespace gatehouse::speech {

struct Pcm {
  int sampleRate = 0;
  std::vector<std::int16_t> samples;  // mono
};

class Speaker {
 public:
  virtual ~Speaker() = default;
  // Returns at once. A new prompt replaces one not yet begun (the visitor has moved on).
  virtual void say(const std::string& language, const std::string& text) = 0;
};

// Synthesises text (UTF-8) to PCM with espeak-ng in synchronous mode: no sound card needed.
// language: an espeak-ng voice such as "en" or "ru". Errors: speech_unavailable (espeak-ng or its
// data missing), unknown_voice, synthesis_failed.
Result<Pcm> synthesise(const std::string& language, const std::string& text);

// The real speaker: a worker thread synthesises each prompt and passes the audio to `sink` (the
// kiosk queues it on its audio device). Errors: speech_unavailable.
Result<std::unique_ptr<Speaker>> makeEspeakSpeaker(std::function<void(const Pcm&)> sink);

// The twin for tests: remembers every prompt, in order.
class RecordingSpeaker final : public Speaker {
 public:
  struct Prompt {
    std::string language, text;
  };
  void say(const std::string& language, const std::string& text) override;
  std::vector<Prompt> prompts() const;

 private:
  mutable std::mutex m_;
  std::vector<Prompt> prompts_;
};

}  // namespace gatehouse::speech
