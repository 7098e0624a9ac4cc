#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "provisioning/tftp/packet.hpp"

/// The decisions of the listening port, for the actor that owns the
/// sockets: which datagrams start a transfer and what the others get.
namespace ivm::provisioning::tftp {

/// A read request that passed every check, ready for the file lookup.
struct read_request {
  /// Relative, normalised (`normalize_file_name`).
  std::string file_name;

  /// `lookup_key(file_name)`, for a case-insensitive store.
  std::string key;

  /// As asked; netascii is served as octet (see docs/protocols/tftp.md).
  transfer_mode mode = transfer_mode::octet;

  /// As on the wire, for `transfer`'s negotiation.
  std::vector<option> options;
};

/// A datagram on the listening port that starts no transfer.
struct refusal {
  error_code code = error_code::illegal_operation;

  /// Why, for the ERROR message and logs.
  std::string message;

  /// False when nothing may be sent back (the datagram was an ERROR:
  /// RFC 1350 §7 never answers one).
  bool reply = true;

  /// The ERROR packet to send back from a fresh port (the new TID, as the
  /// RFC wants) or the listening one.
  std::string bytes() const;
};

/// Screens a datagram that arrived on the listening port (69):
///
/// - malformed requests: ERROR 4, or 8 for option format errors
///   (`to_error_code(parse_error)`);
/// - WRQ: ERROR 2 "read-only server";
/// - RRQ in mode mail: ERROR 4 (RFC 1350 §1: obsolete; §5: it "must
///   begin with a WRQ");
/// - a name `normalize_file_name` refuses: ERROR 2 with the reason;
/// - DATA, ACK or OACK: ERROR 4 (not a request);
/// - ERROR: no reply.
///
/// Otherwise the request goes on: the caller looks the file up by `key`
/// and answers `not_found()` or starts a `transfer`.
expected<read_request, refusal> screen_request(std::string_view datagram);

/// ERROR 1 for a request whose file does not exist.
std::string not_found(std::string_view message = {});

/// What a transfer's socket sends back to a datagram from another address
/// or port than its client's: ERROR 5 (RFC 1350 §4), nothing for an ERROR.
/// The transfer itself is not touched.
std::optional<std::string> wrong_tid_reply(std::string_view datagram);

} // namespace ivm::provisioning::tftp
