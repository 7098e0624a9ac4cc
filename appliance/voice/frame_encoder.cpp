#include "appliance/voice/frame_encoder.hpp"

#include <opus/opus.h>

#include "appliance/rtp/g711.hpp"

namespace ivm::voice {

namespace {

/// Speech at 8 kHz: complexity 5 keeps an intercom fan-out cheap (the
/// encoder is most of the cost of transcoding).
constexpr int opus_complexity = 5;

} // namespace

struct frame_encoder::opus {
  OpusEncoder* enc = nullptr;
  ~opus() {
    if (enc != nullptr)
      opus_encoder_destroy(enc);
  }
};

frame_encoder::frame_encoder(audio_codec c) : codec_(c) {
  if (c != audio_codec::opus)
    return;
  int err = 0;
  auto* enc = opus_encoder_create(8000, 1, OPUS_APPLICATION_VOIP, &err);
  if (err != OPUS_OK || enc == nullptr)
    return;
  opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(opus_complexity));
  opus_ = std::make_unique<opus>();
  opus_->enc = enc;
}

frame_encoder::~frame_encoder() = default;
frame_encoder::frame_encoder(frame_encoder&&) noexcept = default;
frame_encoder& frame_encoder::operator=(frame_encoder&&) noexcept = default;

std::size_t frame_encoder::encode(const std::int16_t* pcm, std::uint8_t* out) {
  switch (codec_) {
    case audio_codec::pcmu:
      rtp::g711::encode_ulaw(pcm, frame_samples, out);
      return frame_samples;
    case audio_codec::pcma:
      rtp::g711::encode_alaw(pcm, frame_samples, out);
      return frame_samples;
    case audio_codec::opus: {
      if (!opus_)
        return 0;
      auto got = opus_encode(opus_->enc, pcm, frame_samples, out,
                             static_cast<opus_int32>(max_payload));
      return got < 0 ? 0 : static_cast<std::size_t>(got);
    }
  }
  return 0;
}

void frame_encoder::reset() {
  if (opus_)
    opus_encoder_ctl(opus_->enc, OPUS_RESET_STATE);
}

} // namespace ivm::voice
