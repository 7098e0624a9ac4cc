#pragma once

// 20 ms frames of 8 kHz mono PCM encoded for RTP in one of the box's codecs
// (PCMU, PCMA: ITU-T G.711; Opus: RFC 6716/7587). Used for everything the
// box sends: intercom transcoding, playback (*8) and the tones.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "appliance/voice/recorder.hpp"

namespace ivm::voice {

class frame_encoder {
public:
  /// Samples per frame: 20 ms at 8 kHz.
  static constexpr std::size_t frame_samples = 160;
  /// Room `encode` may need (RFC 6716 §3.4 R5: a frame is at most 1275
  /// bytes).
  static constexpr std::size_t max_payload = 1276;

  explicit frame_encoder(audio_codec c);
  ~frame_encoder();
  frame_encoder(frame_encoder&&) noexcept;
  frame_encoder& operator=(frame_encoder&&) noexcept;

  /// Encodes one frame of `frame_samples` into `out` (`max_payload` bytes
  /// of room); returns the payload size, 0 when the encoder failed.
  std::size_t encode(const std::int16_t* pcm, std::uint8_t* out);

  /// RTP timestamp ticks per frame: 160, or 960 for Opus (its RTP clock is
  /// 48 kHz whatever the audio bandwidth, RFC 7587 §4.1).
  std::uint32_t ticks() const noexcept {
    return codec_ == audio_codec::opus ? 960 : 160;
  }

  audio_codec codec() const noexcept {
    return codec_;
  }

  /// Forgets the encoder's history (a new stream starts).
  void reset();

private:
  struct opus;
  audio_codec codec_;
  std::unique_ptr<opus> opus_;
};

} // namespace ivm::voice
