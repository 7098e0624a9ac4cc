#pragma once

// Spoken prompts (issue 18's "ask the caller", later the IVR): text to
// speech with espeak-ng as a library, at the 8 kHz the box's calls use.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::voice {

/// `text` (UTF-8) spoken with the espeak-ng voice `language` ("en", "de",
/// "fr", "en-us", ...), as 16-bit mono PCM at 8 kHz. espeak-ng keeps global
/// state: calls are serialised (a prompt takes tens of milliseconds; cache
/// the result). Errors name what is missing (library data, the voice).
expected<std::vector<std::int16_t>, std::string>
speak(std::string_view text, std::string_view language);

/// Whether espeak-ng has a voice called `language`.
bool has_voice(std::string_view language);

/// 16-bit mono PCM from `from` Hz to `to` Hz: windowed-sinc low-pass below
/// the lower of the two Nyquist frequencies, then interpolation.
std::vector<std::int16_t> resample(const std::vector<std::int16_t>& pcm,
                                   int from, int to);

} // namespace ivm::voice
