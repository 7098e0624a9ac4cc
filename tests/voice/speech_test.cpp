// Spoken prompts (issue 18): espeak-ng as a library, at 8 kHz, and the
// resampler that brings its 22,050 Hz down.

#include "appliance/voice/prompts.hpp"
#include "appliance/voice/speech.hpp"

#include <cmath>

#include <gtest/gtest.h>

using namespace ivm::voice;

namespace {

double rms(const std::vector<std::int16_t>& v, std::size_t from = 0,
           std::size_t to = 0) {
  if (to == 0 || to > v.size())
    to = v.size();
  double s = 0;
  for (auto i = from; i < to; ++i)
    s += double(v[i]) * v[i];
  return to > from ? std::sqrt(s / double(to - from)) : 0;
}

std::vector<std::int16_t> sine(double hz, int rate, double seconds) {
  std::vector<std::int16_t> v(static_cast<std::size_t>(rate * seconds));
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<std::int16_t>(
        10000 * std::sin(2 * 3.14159265358979 * hz * double(i) / rate));
  return v;
}

int crossings(const std::vector<std::int16_t>& v) {
  int n = 0;
  for (std::size_t i = 1; i < v.size(); ++i)
    n += (v[i - 1] < 0) != (v[i] < 0);
  return n;
}

} // namespace

TEST(speech, a_prompt_is_speech_at_8_khz) {
  auto pcm = speak("To talk to Bob, press 1.", "en");
  ASSERT_TRUE(pcm) << pcm.error();
  // A short sentence: one to four seconds of 8 kHz audio, not silence.
  EXPECT_GT(pcm->size(), 8000u);
  EXPECT_LT(pcm->size(), 32000u);
  EXPECT_GT(rms(*pcm), 500);
  // The same text again: the same length (the engine keeps no state
  // between prompts that would stretch or cut them).
  auto again = speak("To talk to Bob, press 1.", "en");
  ASSERT_TRUE(again);
  EXPECT_NEAR(double(again->size()), double(pcm->size()),
              0.1 * double(pcm->size()));
}

TEST(speech, other_languages_and_an_unknown_voice) {
  EXPECT_TRUE(has_voice("de"));
  EXPECT_TRUE(speak("Drücken Sie die Eins.", "de"));
  EXPECT_FALSE(has_voice("xx-nowhere"));
  auto bad = speak("hello", "xx-nowhere");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("xx-nowhere"), std::string::npos);
}

TEST(speech, resampling_keeps_the_tone_and_removes_what_cannot_be_kept) {
  auto in = sine(1000, 22050, 1.0);
  auto out = resample(in, 22050, 8000);
  ASSERT_EQ(out.size(), 8000u);
  EXPECT_NEAR(crossings(out), 2000, 4); // still 1 kHz
  EXPECT_NEAR(rms(out, 100, 7900), rms(in), 300);
  // 6 kHz is above 8 kHz's Nyquist: filtered out, not folded to 2 kHz.
  auto high = resample(sine(6000, 22050, 1.0), 22050, 8000);
  EXPECT_LT(rms(high, 100, 7900), 300);
  EXPECT_TRUE(resample({}, 22050, 8000).empty());
  EXPECT_EQ(resample(in, 8000, 8000), in);
}

TEST(prompts, texts_in_each_language_with_the_name) {
  EXPECT_EQ(prompt_text(prompt::menu, "en", "Bob"),
            "You have reached Bob. To talk to Bob, press 1. To leave a voice "
            "message, press 2. To send a fax, press 3.");
  EXPECT_NE(prompt_text(prompt::unavailable, "de", "Bob").find("Bob ist"),
            std::string::npos);
  EXPECT_EQ(prompt_text(prompt::leave, "xx", "Bob"),
            prompt_text(prompt::leave, "en", "Bob"));
  // A name cannot smuggle control characters into the speech.
  EXPECT_EQ(prompt_text(prompt::unavailable, "en", "B\x01o\nb").substr(0, 3),
            "Bob");
  EXPECT_TRUE(prompt_language("fr"));
  EXPECT_FALSE(prompt_language("klingon"));
  for (auto lang : {"en", "de", "fr", "es"})
    EXPECT_TRUE(has_voice(lang)) << lang;
}
