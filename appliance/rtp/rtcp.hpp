#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::rtp {

// -- packet types and SDES item types (RFC 3550 §6.4-6.6, §12.1-12.2) --------

inline constexpr std::uint8_t rtcp_sr = 200;
inline constexpr std::uint8_t rtcp_rr = 201;
inline constexpr std::uint8_t rtcp_sdes = 202;
inline constexpr std::uint8_t rtcp_bye = 203;
inline constexpr std::uint8_t rtcp_app = 204;

inline constexpr std::uint8_t sdes_cname = 1;
inline constexpr std::uint8_t sdes_name = 2;
inline constexpr std::uint8_t sdes_tool = 6;

/// Why a datagram is not a compound RTCP packet we accept (RFC 3550 A.2).
enum class rtcp_error {
  /// Fewer than 4 octets where a packet header should start (empty
  /// datagram, or lengths that do not add up to the datagram).
  truncated,
  /// Version field is not 2.
  bad_version,
  /// The first packet is neither SR nor RR.
  bad_first_packet,
  /// A length field runs past the end of the datagram, or is too small for
  /// the fixed part of an SR or RR.
  bad_length,
  /// Padding in a packet that is not the last, or a padding count that is
  /// 0, not a multiple of 4 (§6.4.1) or larger than the packet.
  bad_padding,
  /// The report or source count does not fit in the length.
  bad_count,
  /// An SDES chunk or item runs past its packet, or lacks its terminator.
  bad_sdes,
  /// A BYE reason runs past its packet.
  bad_bye,
};

/// A fixed-text name for `e`.
const char* to_string(rtcp_error e);

// -- packets ------------------------------------------------------------------

/// SR sender information (§6.4.1).
struct sender_info {
  /// 32.32 fixed point seconds since 1900-01-01.
  std::uint64_t ntp_timestamp = 0;
  std::uint32_t rtp_timestamp = 0;
  std::uint32_t packet_count = 0;
  std::uint32_t octet_count = 0;
};

/// One reception report block (§6.4.1).
struct report_block {
  std::uint32_t ssrc = 0;
  /// Lost / expected since the previous report, in 1/256.
  std::uint8_t fraction_lost = 0;
  /// 24-bit signed on the wire; clamped to -2^23 .. 2^23-1 when written.
  std::int32_t cumulative_lost = 0;
  std::uint32_t extended_highest_sequence = 0;
  /// Interarrival jitter in RTP timestamp units.
  std::uint32_t jitter = 0;
  /// Middle 32 bits of the NTP timestamp of the last SR, 0 if none.
  std::uint32_t lsr = 0;
  /// Delay since that SR in 1/65536 s, 0 if none.
  std::uint32_t dlsr = 0;
};

struct sender_report {
  std::uint32_t ssrc = 0;
  sender_info info;
  /// At most 31 are written.
  std::vector<report_block> reports;
  /// Profile-specific extension, kept raw (zero-padded to 4 when written).
  std::vector<std::uint8_t> extension;
};

struct receiver_report {
  std::uint32_t ssrc = 0;
  /// At most 31 are written.
  std::vector<report_block> reports;
  std::vector<std::uint8_t> extension;
};

/// One SDES item, any type (CNAME, NAME, TOOL, ... PRIV kept raw).
struct sdes_item {
  std::uint8_t type = sdes_cname;
  /// At most 255 octets are written.
  std::string text;
};

struct sdes_chunk {
  std::uint32_t ssrc = 0;
  std::vector<sdes_item> items;
};

/// Source description (§6.5); at most 31 chunks are written.
struct sdes {
  std::vector<sdes_chunk> chunks;
};

/// Goodbye (§6.6); at most 31 sources and 255 octets of reason are written.
struct bye {
  std::vector<std::uint32_t> ssrcs;
  std::optional<std::string> reason;
};

/// A packet of any other type (APP, RTPFB, PSFB, XR, ...), not interpreted.
struct other_packet {
  std::uint8_t type = rtcp_app;
  /// The 5-bit count/subtype field.
  std::uint8_t count = 0;
  /// Everything after the 4-octet header, padding excluded (zero-padded to
  /// a multiple of 4 when written).
  std::vector<std::uint8_t> body;
};

using rtcp_packet =
    std::variant<sender_report, receiver_report, sdes, bye, other_packet>;

bool operator==(const sender_info& a, const sender_info& b);
bool operator==(const report_block& a, const report_block& b);
bool operator==(const sender_report& a, const sender_report& b);
bool operator==(const receiver_report& a, const receiver_report& b);
bool operator==(const sdes_item& a, const sdes_item& b);
bool operator==(const sdes_chunk& a, const sdes_chunk& b);
bool operator==(const sdes& a, const sdes& b);
bool operator==(const bye& a, const bye& b);
bool operator==(const other_packet& a, const other_packet& b);

// -- codec --------------------------------------------------------------------

/// True if the second octet is an SR..APP packet type (200..204), i.e. RTP
/// payload type 72..76 with the marker bit: RTCP when RTP and RTCP share a
/// port (RFC 5761 §4). Checks the version too.
bool looks_like_rtcp(const std::uint8_t* data, std::size_t size);

/// Parses one compound RTCP datagram with the checks of RFC 3550 A.2:
/// version 2 throughout, SR or RR first, padding only in the last packet,
/// lengths adding up exactly to `size`, counts fitting the lengths. Strings
/// and raw bodies are copied; nothing points into `data`.
expected<std::vector<rtcp_packet>, rtcp_error>
parse_compound(const std::uint8_t* data, std::size_t size);

/// Writes one packet (no padding). Counts above 31 and texts above 255
/// octets are cut (send further RRs for more than 31 sources).
std::vector<std::uint8_t> serialize(const rtcp_packet& p);

/// Writes the packets back to back, in order, as given.
std::vector<std::uint8_t> make_compound(const std::vector<rtcp_packet>& ps);

/// The compounds of §6.1: the report, an SDES with the reporter's CNAME,
/// and, when leaving, a BYE.
std::vector<std::uint8_t> make_compound(const sender_report& sr,
                                        std::string_view cname,
                                        const std::optional<bye>& b = {});
std::vector<std::uint8_t> make_compound(const receiver_report& rr,
                                        std::string_view cname,
                                        const std::optional<bye>& b = {});

// -- NTP time -----------------------------------------------------------------

/// `t` as a 64-bit NTP timestamp (seconds since 1900 . 2^-32 fractions).
std::uint64_t to_ntp(std::chrono::system_clock::time_point t);

/// The middle 32 bits of an NTP timestamp, as carried in LSR (§6.4.1).
inline std::uint32_t ntp_middle32(std::uint64_t ntp) {
  return static_cast<std::uint32_t>(ntp >> 16);
}

// -- statistics ---------------------------------------------------------------

/// Reception statistics for one source (RFC 3550 A.1, A.3, A.8). The first
/// packet starts the count; a jump of more than `max_dropout` forward (or
/// `max_misorder` back) is ignored unless the next packet follows it, which
/// restarts the count there (the sender restarted).
class receiver_stats {
public:
  static constexpr std::uint32_t max_dropout = 3000;
  static constexpr std::uint32_t max_misorder = 100;

  receiver_stats(std::uint32_t ssrc, std::uint32_t clock_rate);

  /// One received packet; `arrival` in RTP timestamp units (any origin).
  /// Returns false if it was ignored as a jump.
  bool on_packet(std::uint16_t sequence, std::uint32_t rtp_timestamp,
                 std::uint32_t arrival);

  /// Same, arrival converted with the clock rate.
  bool on_packet(std::uint16_t sequence, std::uint32_t rtp_timestamp,
                 std::chrono::steady_clock::time_point arrival);

  /// An SR from this source arrived (for LSR/DLSR).
  void on_sender_report(std::uint64_t ntp_timestamp,
                        std::chrono::steady_clock::time_point arrival);

  /// The report block for this source at `now`; starts a new interval for
  /// the fraction lost.
  report_block make_report(std::chrono::steady_clock::time_point now);

  std::uint32_t ssrc() const {
    return ssrc_;
  }

  /// Cycles << 16 | highest sequence number.
  std::uint32_t extended_highest_sequence() const {
    return cycles_ + max_seq_;
  }

  /// Expected minus received since the (re)start; negative with duplicates.
  std::int64_t cumulative_lost() const;

  /// Interarrival jitter in RTP timestamp units.
  std::uint32_t jitter() const;

  std::uint64_t received() const {
    return received_;
  }

private:
  void restart(std::uint16_t sequence);
  std::uint32_t to_rtp_units(std::chrono::steady_clock::time_point t);

  std::uint32_t ssrc_;
  std::uint32_t clock_rate_;
  bool started_ = false;
  std::uint16_t max_seq_ = 0;
  std::uint32_t cycles_ = 0;
  std::uint32_t base_seq_ = 0;
  std::optional<std::uint16_t> bad_seq_;
  std::uint64_t received_ = 0;
  std::uint64_t expected_prior_ = 0;
  std::uint64_t received_prior_ = 0;
  bool have_transit_ = false;
  std::uint32_t transit_ = 0;
  /// Jitter times 16 (A.8).
  std::uint64_t jitter_q4_ = 0;
  std::optional<std::chrono::steady_clock::time_point> origin_;
  std::uint32_t lsr_ = 0;
  std::optional<std::chrono::steady_clock::time_point> lsr_arrival_;
};

/// What we sent, for the sender info of our SRs.
class sender_stats {
public:
  explicit sender_stats(std::uint32_t clock_rate);

  /// One RTP packet sent; `payload_octets` excludes header and padding.
  void on_sent(std::uint32_t rtp_timestamp, std::size_t payload_octets,
               std::chrono::steady_clock::time_point now);

  /// Sender info at wall time `wall` / monotonic time `now`: the RTP
  /// timestamp is extrapolated from the last packet sent.
  sender_info make_info(std::chrono::system_clock::time_point wall,
                        std::chrono::steady_clock::time_point now) const;

  std::uint32_t packets() const {
    return packets_;
  }

  std::uint32_t octets() const {
    return octets_;
  }

  bool sent_any() const {
    return last_sent_.has_value();
  }

private:
  std::uint32_t clock_rate_;
  std::uint32_t packets_ = 0;
  std::uint32_t octets_ = 0;
  std::uint32_t last_timestamp_ = 0;
  std::optional<std::chrono::steady_clock::time_point> last_sent_;
};

// -- report interval (§6.2, §6.3.1, A.7) --------------------------------------

struct rtcp_interval_params {
  int members = 2;
  int senders = 2;
  /// RTCP bandwidth in octets per second (5% of the session bandwidth).
  double rtcp_bandwidth = 500;
  bool we_sent = true;
  /// Average compound RTCP size in octets, UDP and IP headers included.
  double avg_rtcp_size = 100;
  /// Before the first report: the minimum is halved.
  bool initial = false;
};

/// The deterministic interval times `random_factor` (clamped to 0.5..1.5),
/// divided by e - 3/2 to compensate timer reconsideration (A.7). The
/// minimum is 5 s (2.5 s initially).
std::chrono::duration<double> rtcp_interval(const rtcp_interval_params& p,
                                            double random_factor);

/// Same with the factor drawn uniformly from `rng`.
template <class Rng>
std::chrono::duration<double> rtcp_interval(const rtcp_interval_params& p,
                                            Rng& rng) {
  std::uniform_real_distribution<double> factor{0.5, 1.5};
  return rtcp_interval(p, factor(rng));
}

} // namespace ivm::rtp
