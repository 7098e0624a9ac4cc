#include "appliance/voice/recorder.hpp"

#include "appliance/voice/frame_encoder.hpp"

#include <cmath>

#include <opus/opus.h>

#include "appliance/rtp/g711.hpp"
#include "appliance/rtp/header.hpp"
#include "appliance/rtp/telephone_event.hpp"

namespace ivm::voice {

struct recorder::opus_state {
  OpusDecoder* dec = nullptr;
  ~opus_state() {
    if (dec)
      opus_decoder_destroy(dec);
  }
};

const char* to_string(stop_reason r) noexcept {
  switch (r) {
    case stop_reason::none:
      return "none";
    case stop_reason::hash_key:
      return "# pressed";
    case stop_reason::silence:
      return "silence";
    case stop_reason::max_length:
      return "maximum length";
  }
  return "?";
}

recorder::recorder(recorder_config cfg, clock::time_point start)
  : cfg_(std::move(cfg)), start_(start), last_sound_(start) {
  if (cfg_.codec == audio_codec::opus) {
    opus_ = std::make_unique<opus_state>();
    int err = 0;
    opus_->dec = opus_decoder_create(48000, 1, &err);
    if (err != OPUS_OK)
      opus_->dec = nullptr;
  }
}

recorder::~recorder() = default;
recorder::recorder(recorder&&) noexcept = default;
recorder& recorder::operator=(recorder&&) noexcept = default;

int recorder::rate() const noexcept {
  return cfg_.codec == audio_codec::opus ? 48000 : 8000;
}

void recorder::append(const std::int16_t* s, std::size_t n) {
  auto max = static_cast<std::size_t>(cfg_.max_length.count()) *
             static_cast<std::size_t>(rate()) / 1000;
  if (pcm_.size() + n >= max) {
    n = max > pcm_.size() ? max - pcm_.size() : 0;
    full_ = true;
  }
  pcm_.insert(pcm_.end(), s, s + n);
}

void recorder::decode(const rtp::frame& f) {
  std::vector<std::int16_t> out;
  const auto* p = f.payload.data();
  auto n = f.payload.size();
  switch (cfg_.codec) {
    case audio_codec::pcmu:
      out.resize(n);
      rtp::g711::decode_ulaw(p, n, out.data());
      break;
    case audio_codec::pcma:
      out.resize(n);
      rtp::g711::decode_alaw(p, n, out.data());
      break;
    case audio_codec::opus:
      if (!opus_ || !opus_->dec)
        return;
      out.resize(5760);
      {
        int got = opus_decode(opus_->dec, p, static_cast<opus_int32>(n),
                              out.data(), 5760, 0);
        if (got < 0)
          return;
        out.resize(static_cast<std::size_t>(got));
      }
      break;
  }
  if (!out.empty())
    last_frame_samples_ = out.size();
  append(out.data(), out.size());
}

void recorder::drain() {
  while (auto o = jitter_.pop()) {
    if (o->what == rtp::jitter_output::kind::gap) {
      gap_ += o->missing; // filled once the next frame says how long
      continue;
    }
    const auto& f = o->data;
    if (gap_ > 0) {
      // Lost packets: silence as long as the timestamps say, at most as
      // long as the lost packets could hold (bounded). Packets of another
      // payload type (RFC 4733 events sent beside the audio) take sequence
      // numbers but no time.
      auto n = std::min<std::uint64_t>(gap_, 50) * last_frame_samples_;
      if (next_ts_ && !o->discontinuity) {
        auto delta = static_cast<std::int32_t>(f.timestamp - *next_ts_);
        n = delta > 0
                ? std::min<std::uint64_t>(n, static_cast<std::uint64_t>(delta))
                : 0;
      }
      gap_ = 0;
      std::vector<std::int16_t> zeros(static_cast<std::size_t>(n), 0);
      append(zeros.data(), zeros.size());
    }
    decode(f);
    // (The RTP clock is the decoded rate: 8 kHz G.711, 48 kHz Opus.)
    next_ts_ = f.timestamp + static_cast<std::uint32_t>(last_frame_samples_);
  }
}

bool recorder::on_packet(std::string_view bytes, std::string_view source_host,
                         clock::time_point now) {
  if (!cfg_.expected_host.empty() && source_host != cfg_.expected_host) {
    ++ignored_;
    return false;
  }
  auto pkt = rtp::parse(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                        bytes.size());
  if (!pkt) {
    ++ignored_;
    return false;
  }
  const auto& h = pkt->hdr;
  if (ssrc_ && *ssrc_ != h.ssrc) {
    flush(); // a new source (the phone restarted its stream)
    jitter_.reset();
    next_ts_.reset();
    gap_ = 0;
  }
  ssrc_ = h.ssrc;
  if (cfg_.telephone_event && h.payload_type == *cfg_.telephone_event) {
    auto ev = rtp::parse_telephone_event(pkt->payload, pkt->payload_size);
    if (ev && ev->event == 11) // '#'
      hash_ = true;
    ++packets_;
    return true;
  }
  if (h.payload_type != cfg_.payload_type) {
    ++ignored_;
    return false;
  }
  ++packets_;
  // Loud enough to count as sound? (G.711: measured on the decoded frame.)
  if (cfg_.codec != audio_codec::opus) {
    double sum = 0;
    for (std::size_t i = 0; i < pkt->payload_size; ++i) {
      double v = cfg_.codec == audio_codec::pcmu
                     ? rtp::g711::ulaw_to_linear(pkt->payload[i])
                     : rtp::g711::alaw_to_linear(pkt->payload[i]);
      sum += v * v;
    }
    if (pkt->payload_size > 0 &&
        std::sqrt(sum / static_cast<double>(pkt->payload_size)) >=
            cfg_.silence_rms)
      last_sound_ = now;
  } else if (pkt->payload_size > 3) {
    last_sound_ = now; // Opus DTX sends tiny frames when silent
  }
  rtp::frame f;
  f.sequence = h.sequence;
  f.timestamp = h.timestamp;
  f.payload_type = h.payload_type;
  f.marker = h.marker;
  f.payload.assign(pkt->payload, pkt->payload + pkt->payload_size);
  jitter_.push(std::move(f));
  drain();
  return true;
}

stop_reason recorder::check(clock::time_point now) const {
  if (hash_)
    return stop_reason::hash_key;
  if (full_)
    return stop_reason::max_length;
  if (now - last_sound_ >= cfg_.silence_timeout)
    return stop_reason::silence;
  if (now - start_ >= cfg_.max_length + std::chrono::seconds{2})
    return stop_reason::max_length; // wall-clock bound too
  return stop_reason::none;
}

void recorder::flush() {
  jitter_.flush();
  drain();
}

std::vector<std::string> tone_frames(audio_codec codec, int ms, double hz) {
  std::vector<std::string> out;
  frame_encoder enc{codec};
  std::uint8_t payload[frame_encoder::max_payload];
  int frames = ms / 20;
  for (int f = 0; f < frames; ++f) {
    std::int16_t pcm[160];
    for (int i = 0; i < 160; ++i)
      pcm[i] = static_cast<std::int16_t>(
          6000 * std::sin(2 * M_PI * hz * (f * 160 + i) / 8000.0));
    auto n = enc.encode(pcm, payload);
    if (n > 0)
      out.emplace_back(reinterpret_cast<const char*>(payload), n);
  }
  return out;
}

} // namespace ivm::voice
