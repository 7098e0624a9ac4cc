#pragma once

// Recording one caller's RTP stream (record mode, issue 6): decode, put in
// order, fill gaps with silence, stop on '#', silence or the maximum length.
// Pure: the caller feeds packets with the time they arrived.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/rtp/jitter_buffer.hpp"

namespace ivm::voice {

enum class audio_codec { pcmu, pcma, opus };

struct recorder_config {
  audio_codec codec = audio_codec::pcmu;
  int payload_type = 0;
  /// RFC 4733 events (the '#' key ends the recording), when negotiated.
  std::optional<int> telephone_event;
  /// Only packets from this host count (the address in the caller's SDP);
  /// others are ignored. Empty: any.
  std::string expected_host;
  std::chrono::milliseconds max_length{120000};
  std::chrono::milliseconds silence_timeout{10000};
  /// Frames quieter than this RMS (16-bit) are silence.
  double silence_rms = 300;
};

enum class stop_reason { none, hash_key, silence, max_length };

const char* to_string(stop_reason r) noexcept;

class recorder {
public:
  using clock = std::chrono::steady_clock;

  recorder(recorder_config cfg, clock::time_point start);
  ~recorder();
  recorder(recorder&&) noexcept;
  recorder& operator=(recorder&&) noexcept;

  /// One datagram from `source_host`. False when it is ignored (wrong
  /// source, not RTP, another payload type).
  bool on_packet(std::string_view bytes, std::string_view source_host,
                 clock::time_point now);

  /// Whether to stop now (silence, maximum length, '#').
  stop_reason check(clock::time_point now) const;

  /// Silence counts from `now` (the caller was just told to speak).
  void restart_silence(clock::time_point now) {
    last_sound_ = now;
  }

  /// Releases what the jitter buffer still holds.
  void flush();

  /// The audio so far, 16-bit mono at `rate()`.
  const std::vector<std::int16_t>& pcm() const noexcept {
    return pcm_;
  }
  int rate() const noexcept;
  std::uint64_t packets() const noexcept {
    return packets_;
  }
  std::uint64_t ignored() const noexcept {
    return ignored_;
  }

private:
  void drain();
  void decode(const rtp::frame& f);
  void append(const std::int16_t* s, std::size_t n);

  struct opus_state;
  recorder_config cfg_;
  clock::time_point start_;
  clock::time_point last_sound_;
  rtp::jitter_buffer jitter_;
  std::vector<std::int16_t> pcm_;
  std::unique_ptr<opus_state> opus_;
  std::optional<std::uint32_t> ssrc_;
  std::size_t last_frame_samples_ = 160;
  /// The timestamp the next frame has when nothing is lost, and the lost
  /// packets not yet filled with silence.
  std::optional<std::uint32_t> next_ts_;
  std::uint64_t gap_ = 0;
  std::uint64_t packets_ = 0;
  std::uint64_t ignored_ = 0;
  bool hash_ = false;
  bool full_ = false;
};

/// `ms` of a sine tone at `hz` for the caller ("speak now"), as payloads of
/// 20 ms in `codec`.
std::vector<std::string> tone_frames(audio_codec codec, int ms, double hz);

} // namespace ivm::voice
