#pragma once

// The box's RTCP for one RTP session with one peer (RFC 3550 §6): what it
// sent and received, the compound reports to send (§6.1: SR or RR, SDES
// CNAME, BYE when leaving), and what the peer reported. Pure: the caller
// moves the datagrams and runs the timer.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "appliance/rtp/rtcp.hpp"

namespace ivm::rtp {

class rtcp_session {
public:
  using steady = std::chrono::steady_clock;

  /// Our SSRC and CNAME (§6.5.1), and the RTP clock rate of the stream.
  rtcp_session(std::uint32_t ssrc, std::string cname, std::uint32_t clock_rate);

  /// An RTP packet from the peer (already accepted as theirs).
  void on_received(const std::uint8_t* data, std::size_t size,
                   steady::time_point now);

  /// An RTP packet we sent.
  void on_sent(std::uint32_t rtp_timestamp, std::size_t payload_octets,
               steady::time_point now);

  /// A datagram that came to our RTCP port; false when it is not a valid
  /// compound (A.2), which is ignored.
  bool on_rtcp(const std::uint8_t* data, std::size_t size,
               steady::time_point now);

  /// The compound to send at `now`: an SR when we sent RTP, else an RR;
  /// a report block about the peer once it sent RTP; a BYE when `leaving`.
  std::vector<std::uint8_t> report(std::chrono::system_clock::time_point wall,
                                   steady::time_point now,
                                   bool leaving = false);

  /// When to report next (§6.2, A.7: two members, at least 5 s, 2.5 s for
  /// the first, randomised).
  std::chrono::milliseconds next_interval();

  /// The peer said BYE.
  bool peer_left() const noexcept {
    return peer_left_;
  }
  /// Valid compounds received.
  std::uint64_t reports_received() const noexcept {
    return reports_;
  }
  /// The peer's last report about our stream, if any.
  const std::optional<report_block>& peer_view() const noexcept {
    return peer_view_;
  }
  /// What we know of the peer's stream, if it sent any.
  const std::optional<receiver_stats>& peer_stream() const noexcept {
    return peer_;
  }

private:
  std::uint32_t ssrc_;
  std::string cname_;
  std::uint32_t clock_rate_;
  sender_stats sent_;
  std::optional<receiver_stats> peer_;
  std::optional<report_block> peer_view_;
  std::uint64_t reports_ = 0;
  bool peer_left_ = false;
  bool first_ = true;
  std::minstd_rand rng_;
};

} // namespace ivm::rtp
