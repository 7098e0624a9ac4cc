#pragma once

// Intercom mode: one caller's RTP stream relayed live, packet by packet, to
// many recipient legs, each with its own codec and payload type. Where the
// codec matches the caller's, the payload passes through unchanged; where it
// differs, it is transcoded via 16-bit mono PCM at 8 kHz. Pure: no sockets,
// the caller hands in datagrams and gets packets back through a sink.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "appliance/voice/recorder.hpp"

namespace ivm::voice {

struct stream_format {
  audio_codec codec = audio_codec::pcmu;
  int payload_type = 0;
};

/// Counters, e.g. to check that fan-out does not multiply the work.
struct relay_stats {
  /// Packets accepted by `on_packet`.
  std::uint64_t packets = 0;
  /// Packets ignored (not RTP, other payload type, empty, corrupt).
  std::uint64_t ignored = 0;
  /// Input payloads decoded to PCM (at most one per accepted packet).
  std::uint64_t decoded = 0;
  /// 20 ms frames encoded (one per output codec and frame, not per leg).
  std::uint64_t encoded = 0;
  /// Packets handed to the sink, all legs together.
  std::uint64_t sent = 0;
};

/// Relays one caller's RTP to many legs (intercom). Decodes a packet at most
/// once and encodes at most once per distinct output codec, whatever the
/// number of legs.
///
/// Output packets carry the fixed 12-byte header only: the caller's CSRCs,
/// header extension and padding are not relayed. Transcoded legs get 20 ms
/// frames; a lost input packet (sequence and timestamp jump of at most
/// 120 ms) is filled with concealment (Opus) or silence (G.711) so that the
/// timing stays right; late and duplicate packets are dropped for them.
/// Pass-through legs see the input's gaps and order unchanged.
class relay {
public:
  /// Called for every RTP packet to send: (leg id, serialized RTP packet
  /// bytes). The bytes are valid during the call only. The sink may add or
  /// remove legs but must not call `on_packet` or `flush`.
  using sink = std::function<void(std::size_t leg, const std::uint8_t* data,
                                  std::size_t size)>;

  explicit relay(stream_format in);
  ~relay();
  relay(relay&&) noexcept;
  relay& operator=(relay&&) noexcept;

  /// A new leg; packets to it start with sequence `seq`, timestamp `ts`,
  /// SSRC `ssrc`; the first has the marker bit. Returns its id.
  std::size_t add_leg(stream_format out, std::uint32_t ssrc, std::uint16_t seq,
                      std::uint32_t ts);

  /// The leg gets nothing more (hung up). Its id is not reused. Unknown or
  /// already removed ids are ignored.
  void remove_leg(std::size_t leg);

  /// One packet from the caller, already accepted by the caller's checks
  /// (right source). Packets whose payload type is not `in.payload_type`
  /// (e.g. telephone-event), that do not parse, have an empty payload or a
  /// corrupt Opus payload are ignored (returns false, nothing is sent).
  bool on_packet(const std::uint8_t* data, std::size_t size, const sink& out);

  /// Sends what the transcoding buffers still hold (the last, short frame,
  /// padded with silence to 20 ms) -- the end of the message.
  void flush(const sink& out);

  /// Live legs.
  std::size_t legs() const;

  relay_stats stats() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace ivm::voice
