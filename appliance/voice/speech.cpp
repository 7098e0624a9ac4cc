#include "appliance/voice/speech.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>

#include <espeak-ng/speak_lib.h>

namespace ivm::voice {

namespace {

std::mutex engine_mutex;
int engine_rate = 0; ///< > 0 once initialised, < 0 when it failed
std::vector<std::int16_t>* sink = nullptr; ///< under engine_mutex

int on_samples(short* wav, int n, espeak_EVENT*) {
  if (sink && wav && n > 0)
    sink->insert(sink->end(), wav, wav + n);
  return 0;
}

// Under engine_mutex.
bool ready() {
  if (engine_rate == 0) {
    engine_rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr,
                                    espeakINITIALIZE_DONT_EXIT);
    if (engine_rate > 0)
      espeak_SetSynthCallback(on_samples);
    else
      engine_rate = -1;
  }
  return engine_rate > 0;
}

} // namespace

bool has_voice(std::string_view language) {
  std::lock_guard lock{engine_mutex};
  if (!ready())
    return false;
  std::string name{language};
  return espeak_SetVoiceByName(name.c_str()) == EE_OK;
}

expected<std::vector<std::int16_t>, std::string>
speak(std::string_view text, std::string_view language) {
  std::vector<std::int16_t> out;
  {
    std::lock_guard lock{engine_mutex};
    if (!ready())
      return unexpected(std::string{"espeak-ng could not start (its data "
                                    "files are missing?)"});
    std::string name{language};
    if (espeak_SetVoiceByName(name.c_str()) != EE_OK)
      return unexpected("espeak-ng has no voice '" + name + "'");
    espeak_SetParameter(espeakRATE, 160, 0);
    std::string t{text};
    sink = &out;
    auto rc = espeak_Synth(t.c_str(), t.size() + 1, 0, POS_CHARACTER, 0,
                           espeakCHARS_UTF8, nullptr, nullptr);
    espeak_Synchronize();
    sink = nullptr;
    if (rc != EE_OK)
      return unexpected(std::string{"espeak-ng could not speak the text"});
  }
  if (out.empty())
    return unexpected(std::string{"espeak-ng produced no audio"});
  return resample(out, engine_rate, 8000);
}

std::vector<std::int16_t> resample(const std::vector<std::int16_t>& pcm,
                                   int from, int to) {
  if (from <= 0 || to <= 0 || pcm.empty())
    return {};
  if (from == to)
    return pcm;
  // A windowed-sinc (Hann) low-pass at 0.9 of the lower Nyquist frequency,
  // evaluated at each output instant (fractional position in the input).
  const double ratio = static_cast<double>(from) / to;
  const double cutoff = 0.9 * 0.5 * std::min(from, to) / from; // cycles/sample
  const int half = 16 * static_cast<int>(std::ceil(std::max(1.0, ratio)));
  const auto n_out =
      static_cast<std::size_t>(static_cast<double>(pcm.size()) * to / from);
  std::vector<std::int16_t> out(n_out);
  const double pi = 3.14159265358979323846;
  for (std::size_t i = 0; i < n_out; ++i) {
    double centre = static_cast<double>(i) * ratio;
    auto c = static_cast<long>(std::floor(centre));
    double acc = 0, norm = 0;
    for (long k = c - half + 1; k <= c + half; ++k) {
      double x = static_cast<double>(k) - centre;
      double w = 0.5 * (1 + std::cos(pi * x / half));
      double s = x == 0 ? 2 * cutoff : std::sin(2 * pi * cutoff * x) / (pi * x);
      double h = w * s;
      norm += h;
      if (k >= 0 && k < static_cast<long>(pcm.size()))
        acc += h * pcm[static_cast<std::size_t>(k)];
    }
    double v = norm != 0 ? acc / norm : 0;
    out[i] = static_cast<std::int16_t>(std::clamp(v, -32768.0, 32767.0));
  }
  return out;
}

} // namespace ivm::voice
