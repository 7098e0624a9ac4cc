#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "appliance/common/expected.hpp"

namespace ivm::rtp {

/// One RFC 4733 §2.3 named event payload ("telephone-event").
struct telephone_event {
  /// Event code (§3.2: 0-9 digits, 10 '*', 11 '#', 12-15 A-D, 16 flash).
  std::uint8_t event = 0;
  /// E bit: the last packets of the event carry it.
  bool end = false;
  /// Power level in -dBm0, 0..63 (§2.3.4).
  std::uint8_t volume = 0;
  /// Duration so far in timestamp units (§2.3.5).
  std::uint16_t duration = 0;
};

/// Why a telephone-event payload was refused.
enum class telephone_event_error {
  /// Fewer than 4 octets.
  too_short,
};

/// Parses the first event block of a payload (§2.3). Extra octets (further
/// blocks, as in RFC 2198 redundancy) are ignored; the R bit is ignored.
expected<telephone_event, telephone_event_error>
parse_telephone_event(const std::uint8_t* data, std::size_t size);

/// The 4-octet payload for `ev` (R bit clear, volume clipped to 63).
std::array<std::uint8_t, 4> serialize(const telephone_event& ev);

/// The keypad character of a DTMF event code (§3.2): '0'-'9', '*', '#',
/// 'A'-'D'; nullopt for anything else (e.g. 16, flash).
std::optional<char> dtmf_char(std::uint8_t event);

/// The key of a SIP INFO carrying DTMF: `application/dtmf-relay` with a
/// `Signal=5` line (Cisco, Asterisk, most phones; "10"/"11" for '*'/'#') or
/// `application/dtmf` with the bare key; nullopt for other content types or
/// anything that is not one key ('0'-'9', '*', '#', 'A'-'D').
std::optional<char> dtmf_of_info(std::string_view content_type,
                                 std::string_view body);

} // namespace ivm::rtp
