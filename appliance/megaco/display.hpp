#pragma once

// Caller ID and the message-waiting lamp of an analog phone behind an H.248
// gateway (issue 16): ITU-T H.248.23's Analog Display Signalling package
// `andisp` carries the data the gateway sends the phone by FSK, as its
// display data block `ddb` (hex octets): `andisp/dwa` (display with
// alerting) rings the phone with the caller's details, `andisp/data` sends
// data without ringing. The block is a Telcordia GR-30 / ETSI EN 300 659-3
// Multiple Data Message Format message: type, length, parameters, checksum.
// Pure: no state.

#include <optional>
#include <string>
#include <string_view>

#include "appliance/megaco/text.hpp"

namespace ivm::megaco {

/// MDMF call setup (0x80) from MGCP L/ci parameters
/// (`mm/dd/hh/mm,number,"name"`, RFC 3660): date and time (0x01), calling
/// number (0x02), calling name (0x07) where given; as hex. Empty when the
/// parameters hold neither number nor name.
std::string caller_id_block(std::string_view mgcp_caller_id);

/// MDMF message waiting (0x82), visual indicator (0x0B) on (0xFF) or off
/// (0x00); as hex.
std::string message_waiting_block(bool on);

/// Reads a block back (for tests and for what a gateway echoes): the
/// message type and its parameters by type (MDMF; SDMF: one, type 0), or
/// nothing when the length or
/// the checksum is wrong.
struct display_message {
  unsigned type = 0;
  std::vector<std::pair<unsigned, std::string>> params;
};
std::optional<display_message> read_display_block(std::string_view hex);

/// `andisp/dwa { ddb = ..., pattern = 1 }` or `andisp/data { ddb = ... }`.
node display_signal(bool alerting, const std::string& ddb);

/// H.248.8 codes a gateway answers when it lacks the package, the signal or
/// a parameter: the box stops asking for the display on that gateway.
bool refuses_package(int code);

} // namespace ivm::megaco
