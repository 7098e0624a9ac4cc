#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::rtp {

/// Why a datagram is not an RTP packet we accept.
enum class rtp_error {
  /// Shorter than the 12-byte fixed header.
  too_short,
  /// Version field is not 2.
  bad_version,
  /// The CSRC list or the header extension runs past the end.
  truncated,
  /// The padding count is 0 or larger than the payload.
  bad_padding,
  /// Payload type 72..76 with the marker bit: an RTCP packet (RFC 5761 §4).
  looks_like_rtcp,
};

/// A fixed-text name for `e`.
const char* to_string(rtp_error e);

/// The RTP fixed header (RFC 3550 §5.1) and header extension (§5.3.1).
struct header {
  bool marker = false;
  std::uint8_t payload_type = 0;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  /// At most 15 entries.
  std::vector<std::uint32_t> csrcs;
  bool extension = false;
  std::uint16_t extension_profile = 0;
  /// Extension data; its size is a multiple of 4 when serialised.
  std::vector<std::uint8_t> extension_data;
};

/// A parsed packet: the header and where the payload lies in the input
/// (padding excluded).
struct packet_view {
  header hdr;
  /// Number of padding octets at the end (0 when P is clear).
  std::size_t padding = 0;
  const std::uint8_t* payload = nullptr;
  std::size_t payload_size = 0;
};

/// Fixed header size (no CSRC, no extension).
inline constexpr std::size_t fixed_header_size = 12;

/// Parses one RTP packet (RFC 3550 §5.1, §5.3.1). The view points into
/// `data`, which must outlive it.
expected<packet_view, rtp_error> parse(const std::uint8_t* data,
                                       std::size_t size);

/// Writes a packet: header, payload, and `padding` octets of padding (0 for
/// none; otherwise the last octet holds the count, §5.1). At most 15 CSRCs
/// are written; extension data is zero-padded to a multiple of 4.
std::vector<std::uint8_t> serialize(const header& h,
                                    const std::uint8_t* payload,
                                    std::size_t payload_size,
                                    std::uint8_t padding = 0);

} // namespace ivm::rtp
