#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "appliance/sdp/session.hpp"

namespace ivm::sdp {

/// A payload format the box can send and receive.
struct codec {
  /// Encoding name as in rtpmap ("PCMU", "opus", "telephone-event").
  std::string encoding;
  std::uint32_t clock_rate = 8000;
  /// 0 or 1 for mono; opus is always written "/2" (RFC 7587 §7).
  std::uint32_t channels = 0;
  /// The static payload type (RFC 3551 §6), or -1 for a dynamic one.
  int static_payload_type = -1;
  /// What the box writes in its fmtp for this format, empty for none.
  std::string fmtp;

  /// True for telephone-event (RFC 4733), which is not an audio codec.
  bool is_telephone_event() const;
};

/// The box's codecs in preference order: PCMU/8000 (0), PCMA/8000 (8),
/// opus/48000/2 (dynamic, RFC 7587), telephone-event/8000 (dynamic,
/// RFC 4733, events 0-15).
std::vector<codec> box_codecs();

/// The rtpmap for `payload_type` in `m`: its a=rtpmap, else the static
/// assignment of RFC 3551 for payload types below 96. Nullopt otherwise.
std::optional<rtpmap> resolve_rtpmap(const media_description& m,
                                     int payload_type);

/// True if `r` describes `c`: same encoding (case-insensitive), clock rate
/// and channel count (absent = 1).
bool matches(const codec& c, const rtpmap& r);

} // namespace ivm::sdp
