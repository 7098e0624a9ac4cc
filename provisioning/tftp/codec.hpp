#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "provisioning/tftp/packet.hpp"

/// Parsing and writing TFTP packets: pure functions over bytes.
namespace ivm::provisioning::tftp {

/// Why a datagram is not a TFTP packet. Each maps to the ERROR code a
/// server answers with (`to_error_code`).
enum class parse_error : std::uint8_t {
  too_short,          ///< Shorter than the opcode's fixed part.
  unknown_opcode,     ///< Opcode 0 or above 6.
  unterminated,       ///< A string without its terminating NUL.
  empty_file_name,    ///< RRQ/WRQ with "" as file name.
  file_name_too_long, ///< Over `max_file_name_length` octets.
  unknown_mode,       ///< Not netascii, octet or mail (any case).
  empty_option_name,  ///< An option name "" followed by more bytes.
  missing_value,      ///< An option name without a value string.
  duplicate_option,   ///< The same name twice (case-insensitively).
  too_many_options,   ///< More than `max_options`.
};

/// Returns a short text for logs and ERROR messages, e.g. "unknown mode".
std::string_view to_string(parse_error x);

/// Returns the ERROR code answering a request that failed with `x`: option
/// errors are 8 (RFC 2347), everything else 4 (illegal TFTP operation).
error_code to_error_code(parse_error x);

/// Parses one datagram. Never reads outside `bytes`.
///
/// Defined leniency: NUL octets after the last option of a request or
/// OACK are padding and ignored; bytes after the block number of an ACK
/// are ignored; an ERROR message without its NUL ends at the datagram's
/// end. Everything else listed in `parse_error` is refused.
expected<packet, parse_error> parse(std::string_view bytes);

/// Parses one datagram given as raw octets.
expected<packet, parse_error> parse(const std::uint8_t* data, std::size_t size);

// -- writers ------------------------------------------------------------------

/// Writes any packet. Strings are cut at an embedded NUL, which they cannot
/// carry on the wire; then `parse(serialize(x)) == x` for every packet
/// `parse` returned.
std::string serialize(const packet& x);

/// Writes DATA `block` carrying `payload`.
std::string make_data(std::uint16_t block, std::string_view payload);

/// Size of the DATA header (opcode and block number).
inline constexpr std::size_t data_header_size = 4;

/// Writes the 4-octet DATA header for `block` to `out`, for callers that
/// read the payload straight behind it into their own buffer.
void write_data_header(std::uint16_t block, std::uint8_t* out);

/// Writes ACK `block`.
std::string make_ack(std::uint16_t block);

/// Writes an ERROR with `code` and `message` (the standard text if empty).
std::string make_error(error_code code, std::string_view message = {});

/// Writes an OACK listing `options`.
std::string make_oack(const std::vector<option>& options);

// -- ASCII helpers ------------------------------------------------------------

/// Compares two strings ignoring ASCII case.
bool iequals(std::string_view x, std::string_view y) noexcept;

/// Returns `x` with ASCII letters in lower case (other octets unchanged).
std::string ascii_lower(std::string_view x);

} // namespace ivm::provisioning::tftp
