#pragma once

// Audio of voice messages: everything is stored as Ogg Opus (RFC 7845).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::voice {

struct ogg_audio {
  std::string ogg; ///< Ogg Opus bytes
  std::uint32_t duration_ms = 0;
};

/// Longest upload accepted, in bytes.
inline constexpr std::size_t max_upload_size = std::size_t{16} << 20;

/// Takes an upload: Ogg Opus is checked (libopusfile opens it and it holds
/// audio) and kept as is; a RIFF/WAVE file of 16-bit PCM (mono or stereo,
/// 8-48 kHz) is encoded to Ogg Opus. Anything else is an error (answered
/// 415). Recognised by content, not by the declared type.
expected<ogg_audio, std::string> to_ogg_opus(std::string_view upload);

/// Encodes 16-bit PCM (interleaved when `channels` is 2) to Ogg Opus.
expected<ogg_audio, std::string>
encode_pcm16(const std::vector<std::int16_t>& pcm, int rate, int channels);

/// Decodes Ogg Opus to 48 kHz mono 16-bit PCM (for playback and tests).
expected<std::vector<std::int16_t>, std::string>
decode_ogg_opus(std::string_view ogg);

} // namespace ivm::voice
