// The recording twin of the Speaker.
#include "gatehouse/speech/speaker.hpp"

namespace gatehouse::speech {

void RecordingSpeaker::say(const std::string& language, const std::string& text) {
  std::lock_guard lock(m_);
  prompts_.push_back({language, text});
}

std::vector<RecordingSpeaker::Prompt> RecordingSpeaker::prompts() const {
  std::lock_guard lock(m_);
  return prompts_;
}

}  // namespace gatehouse::speech
