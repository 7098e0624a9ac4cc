#pragma once

#include <cstddef>
#include <cstdint>

namespace ivm::rtp::g711 {

/// 16-bit linear PCM to mu-law (ITU-T G.711 §3, 14-bit magnitude, bias 33;
/// inputs beyond +-32635 are clipped). Zero encodes as 0xFF.
std::uint8_t linear_to_ulaw(std::int16_t pcm);

/// Mu-law to 16-bit linear PCM (the decision value of G.711 Table 2a,
/// scaled by 4). 0xFF and 0x7F both decode to 0.
std::int16_t ulaw_to_linear(std::uint8_t code);

/// 16-bit linear PCM to A-law (ITU-T G.711 §2, 13-bit magnitude, even bits
/// inverted: the result is XORed with 0x55).
std::uint8_t linear_to_alaw(std::int16_t pcm);

/// A-law to 16-bit linear PCM (G.711 Table 1a decision values, scaled by
/// 8). 0xD5 decodes to +8, 0x55 to -8.
std::int16_t alaw_to_linear(std::uint8_t code);

/// Buffer forms: `n` samples from `in` to `out`.
void encode_ulaw(const std::int16_t* in, std::size_t n, std::uint8_t* out);
void decode_ulaw(const std::uint8_t* in, std::size_t n, std::int16_t* out);
void encode_alaw(const std::int16_t* in, std::size_t n, std::uint8_t* out);
void decode_alaw(const std::uint8_t* in, std::size_t n, std::int16_t* out);

} // namespace ivm::rtp::g711
