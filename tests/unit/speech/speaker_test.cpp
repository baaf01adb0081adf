// The real espeak-ng speaker synthesises English and Russian into a buffer (no sound card).
#include "gatehouse/speech/speaker.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

namespace gatehouse::speech {
namespace {

double seconds(const Pcm& p) {
  return static_cast<double>(p.samples.size()) / static_cast<double>(p.sampleRate);
}
int loudest(const Pcm& p) {
  int m = 0;
  for (auto s : p.samples) m = std::max(m, std::abs(static_cast<int>(s)));
  return m;
}

TEST(Speech, EspeakSynthesisesEnglishAndRussianPromptsIntoABuffer) {
  auto en = synthesise("en", "Please hold your pass in front of the camera.");
  ASSERT_TRUE(en) << en.error().message;
  EXPECT_GT(en.value().sampleRate, 8000);
  EXPECT_GT(seconds(en.value()), 1.0);
  EXPECT_GT(loudest(en.value()), 1000) << "silence";
  auto ru = synthesise("ru", "Поднесите пропуск к камере.");
  ASSERT_TRUE(ru) << ru.error().message;
  EXPECT_GT(seconds(ru.value()), 0.8);
  EXPECT_GT(loudest(ru.value()), 1000) << "silence";
}

TEST(Speech, ALongerSentenceTakesLonger) {
  auto shortOne = synthesise("en", "Welcome.");
  auto longOne = synthesise("en", "Welcome. Please choose what you would like to do today.");
  ASSERT_TRUE(shortOne && longOne);
  EXPECT_GT(seconds(longOne.value()), seconds(shortOne.value()) * 2);
}

TEST(Speech, AnUnknownVoiceIsAClearError) {
  auto r = synthesise("xx-nowhere", "hello");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "unknown_voice");
}

TEST(Speech, TheRecordingTwinKeepsPromptsInOrder) {
  RecordingSpeaker s;
  s.say("en", "one");
  s.say("ru", "два");
  ASSERT_EQ(s.prompts().size(), 2u);
  EXPECT_EQ(s.prompts()[1].language, "ru");
  EXPECT_EQ(s.prompts()[1].text, "два");
}

}  // namespace
}  // namespace gatehouse::speech
