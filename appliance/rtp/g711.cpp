#include "appliance/rtp/g711.hpp"

namespace ivm::rtp::g711 {

namespace {

constexpr int ulaw_bias = 0x84; // 33 << 2
constexpr int ulaw_clip = 32635;

// Index of the highest set bit of `v` (v > 0), as a segment number.
int highest_bit(int v) {
  int n = -1;
  while (v != 0) {
    v >>= 1;
    ++n;
  }
  return n;
}

} // namespace

std::uint8_t linear_to_ulaw(std::int16_t pcm) {
  int v = pcm;
  int sign = 0;
  if (v < 0) {
    v = -v;
    sign = 0x80;
  }
  if (v > ulaw_clip)
    v = ulaw_clip;
  v += ulaw_bias;
  // v is now in [0x84, 0x7FFF]: the segment is where its top bit lies.
  int exponent = highest_bit(v >> 7);
  int mantissa = (v >> (exponent + 3)) & 0x0F;
  return static_cast<std::uint8_t>(~(sign | (exponent << 4) | mantissa));
}

std::int16_t ulaw_to_linear(std::uint8_t code) {
  int u = ~code & 0xFF;
  int exponent = (u >> 4) & 0x07;
  int mantissa = u & 0x0F;
  int v = ((mantissa << 3) + ulaw_bias) << exponent;
  v -= ulaw_bias;
  return static_cast<std::int16_t>((u & 0x80) != 0 ? -v : v);
}

std::uint8_t linear_to_alaw(std::int16_t pcm) {
  // Work on the 13-bit value; negative values map onto one's complement so
  // that -1..-8 share the first interval with the sign bit cleared.
  int v = pcm >> 3;
  int mask = 0xD5;
  if (v < 0) {
    mask = 0x55;
    v = -v - 1;
  }
  if (v > 0xFFF)
    v = 0xFFF;
  int segment = v < 0x20 ? 0 : highest_bit(v) - 4;
  int mantissa = segment < 2 ? (v >> 1) & 0x0F : (v >> segment) & 0x0F;
  return static_cast<std::uint8_t>(((segment << 4) | mantissa) ^ mask);
}

std::int16_t alaw_to_linear(std::uint8_t code) {
  int a = code ^ 0x55;
  int mantissa = a & 0x0F;
  int segment = (a >> 4) & 0x07;
  int v = (mantissa << 4) + 8;
  if (segment != 0)
    v = (v + 0x100) << (segment - 1);
  return static_cast<std::int16_t>((a & 0x80) != 0 ? v : -v);
}

void encode_ulaw(const std::int16_t* in, std::size_t n, std::uint8_t* out) {
  for (std::size_t i = 0; i < n; ++i)
    out[i] = linear_to_ulaw(in[i]);
}

void decode_ulaw(const std::uint8_t* in, std::size_t n, std::int16_t* out) {
  for (std::size_t i = 0; i < n; ++i)
    out[i] = ulaw_to_linear(in[i]);
}

void encode_alaw(const std::int16_t* in, std::size_t n, std::uint8_t* out) {
  for (std::size_t i = 0; i < n; ++i)
    out[i] = linear_to_alaw(in[i]);
}

void decode_alaw(const std::uint8_t* in, std::size_t n, std::int16_t* out) {
  for (std::size_t i = 0; i < n; ++i)
    out[i] = alaw_to_linear(in[i]);
}

} // namespace ivm::rtp::g711
