#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

namespace ivm::rtp {

/// One received RTP payload with what the recorder needs of its header.
struct frame {
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint8_t payload_type = 0;
  bool marker = false;
  std::vector<std::uint8_t> payload;
};

/// What comes out of the buffer, in sequence order: a frame, or a gap of
/// `missing` lost packets (starting at `first_missing`) for which the caller
/// inserts silence.
struct jitter_output {
  enum class kind { frame, gap };
  kind what = kind::frame;
  /// The frame (kind::frame).
  rtp::frame data;
  /// The gap (kind::gap).
  std::uint16_t first_missing = 0;
  std::uint32_t missing = 0;
  /// True on the first frame after the sender's sequence numbers jumped
  /// (resynchronisation): what came before and after do not join up.
  bool discontinuity = false;
};

/// What `push` did with a packet.
enum class push_result {
  /// Stored; it comes out of `pop` in order.
  accepted,
  /// Already stored: dropped.
  duplicate,
  /// Older than what has been released already: dropped.
  late,
  /// Far outside the window (a jump of the sender's numbering): dropped,
  /// unless the next packet follows it, which causes a `resync`.
  out_of_range,
  /// Second packet in sequence after a jump: everything pending was
  /// released and the buffer restarted at this packet.
  resync,
};

struct jitter_config {
  /// How many sequence numbers past a missing packet the buffer waits for
  /// it before reporting it lost (reordering tolerance).
  std::uint32_t depth = 4;
  /// A jump forward larger than this is out of range (RFC 3550 A.1,
  /// MAX_DROPOUT).
  std::uint32_t max_dropout = 3000;
  /// A packet more than this far behind is out of range, not late (RFC 3550
  /// A.1, MAX_MISORDER).
  std::uint32_t max_misorder = 100;
};

/// Counters since construction.
struct jitter_stats {
  std::uint64_t accepted = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t late = 0;
  std::uint64_t out_of_range = 0;
  std::uint64_t lost = 0;
};

/// A reordering buffer for recording one RTP stream (one SSRC; reset it
/// when the SSRC changes). Not time-driven: packets are released once the
/// next one in sequence is there or `depth` later ones have arrived, and
/// `flush` releases everything at the end of the call. Sequence numbers are
/// extended to 64 bits, so the 16-bit wrap-around is transparent. At most
/// `depth` packets are held.
class jitter_buffer {
public:
  explicit jitter_buffer(jitter_config cfg = jitter_config{});

  /// Offers one packet.
  push_result push(frame f);

  /// The next output in order, if one is ready.
  std::optional<jitter_output> pop();

  /// Releases every pending packet (end of stream); gaps between them are
  /// reported as such.
  void flush();

  /// Forgets everything (e.g. new SSRC); counters are kept.
  void reset();

  /// Packets held, waiting for an earlier one.
  std::size_t pending() const {
    return pending_.size();
  }

  const jitter_stats& stats() const {
    return stats_;
  }

private:
  void release(bool all);

  jitter_config cfg_;
  jitter_stats stats_;
  bool started_ = false;
  std::int64_t highest_ = 0;
  std::int64_t next_ = 0;
  std::map<std::int64_t, frame> pending_;
  std::deque<jitter_output> ready_;
  std::optional<std::uint16_t> bad_seq_;
  bool discontinuity_ = false;
};

} // namespace ivm::rtp
