#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "provisioning/tftp/fwd.hpp"

/// TFTP packets (RFC 1350 §5, RFC 2347 OACK) as plain values.
namespace ivm::provisioning::tftp {

// -- wire constants -----------------------------------------------------------

/// The opcodes of RFC 1350 §5 and RFC 2347 (OACK).
enum class opcode : std::uint16_t {
  rrq = 1,   ///< Read request.
  wrq = 2,   ///< Write request.
  data = 3,  ///< Data.
  ack = 4,   ///< Acknowledgment.
  error = 5, ///< Error.
  oack = 6,  ///< Option acknowledgment (RFC 2347).
};

/// The error codes of RFC 1350 appendix and RFC 2347 (8).
enum class error_code : std::uint16_t {
  not_defined = 0,         ///< Not defined, see error message (if any).
  file_not_found = 1,      ///< File not found.
  access_violation = 2,    ///< Access violation.
  disk_full = 3,           ///< Disk full or allocation exceeded.
  illegal_operation = 4,   ///< Illegal TFTP operation.
  unknown_transfer_id = 5, ///< Unknown transfer ID.
  file_exists = 6,         ///< File already exists.
  no_such_user = 7,        ///< No such user.
  option_refused = 8,      ///< Terminate transfer due to option negotiation.
};

/// Returns the standard message of `x`, e.g. "File not found".
std::string_view default_message(error_code x);

/// The modes of RFC 1350 §5, spelled in any case on the wire.
enum class transfer_mode : std::uint8_t {
  netascii,
  octet,
  mail,
};

/// Returns "netascii", "octet" or "mail".
std::string_view to_string(transfer_mode x);

/// Largest DATA payload RFC 2348 allows (blksize).
inline constexpr std::size_t max_block_size = 65464;

/// DATA payload without options (RFC 1350).
inline constexpr std::size_t default_block_size = 512;

/// Longest file name `parse` accepts, in octets.
inline constexpr std::size_t max_file_name_length = 255;

/// Most options `parse` accepts in one request or OACK.
inline constexpr std::size_t max_options = 16;

// -- packets ------------------------------------------------------------------

/// One option of a request or OACK (RFC 2347): the name as spelled on the
/// wire (compared case-insensitively) and its value.
struct option {
  std::string name;
  std::string value;

  friend bool operator==(const option& x, const option& y) {
    return x.name == y.name && x.value == y.value;
  }
};

/// RRQ or WRQ (RFC 1350 §5, RFC 2347 options).
struct request {
  /// True for WRQ.
  bool write = false;

  /// As on the wire (not validated: see `normalize_file_name`).
  std::string file_name;

  transfer_mode mode = transfer_mode::octet;

  /// In wire order; names unique case-insensitively.
  std::vector<option> options;

  friend bool operator==(const request& x, const request& y) {
    return x.write == y.write && x.file_name == y.file_name &&
           x.mode == y.mode && x.options == y.options;
  }
};

/// DATA: a block number and up to blksize octets.
struct data_packet {
  std::uint16_t block = 0;
  std::string payload;

  friend bool operator==(const data_packet& x, const data_packet& y) {
    return x.block == y.block && x.payload == y.payload;
  }
};

/// ACK of one block number (0 acknowledges a WRQ or an OACK).
struct ack_packet {
  std::uint16_t block = 0;

  friend bool operator==(const ack_packet& x, const ack_packet& y) {
    return x.block == y.block;
  }
};

/// ERROR. The code is kept as on the wire: peers send codes above 8.
struct error_packet {
  std::uint16_t code = 0;
  std::string message;

  friend bool operator==(const error_packet& x, const error_packet& y) {
    return x.code == y.code && x.message == y.message;
  }
};

/// OACK (RFC 2347): the options the server accepted, with their values.
struct oack_packet {
  std::vector<option> options;

  friend bool operator==(const oack_packet& x, const oack_packet& y) {
    return x.options == y.options;
  }
};

/// Any TFTP packet.
using packet =
    std::variant<request, data_packet, ack_packet, error_packet, oack_packet>;

/// Returns the opcode of `x`.
opcode opcode_of(const packet& x);

} // namespace ivm::provisioning::tftp
