#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "provisioning/tftp/config.hpp"
#include "provisioning/tftp/fwd.hpp"
#include "provisioning/tftp/packet.hpp"

namespace ivm::provisioning::tftp {

/// The result of option negotiation for one read request: what the
/// transfer uses and what the OACK lists.
struct negotiation {
  /// DATA payload size (RFC 2348 blksize; 512 without it).
  std::size_t block_size = default_block_size;

  /// Blocks sent before waiting for an ACK (RFC 7440; 1 is lockstep).
  std::uint16_t window_size = 1;

  /// Retransmission interval (RFC 2349 timeout, else the configured one).
  duration timeout{1000};

  /// The accepted options with the values granted, in request order and
  /// spelled as the client spelled them. Empty: no OACK, DATA 1 at once
  /// (RFC 2347: a server that accepts no option answers as RFC 1350).
  std::vector<option> acknowledged;
};

/// Parses an option value: decimal digits only, at most 20 of them, no
/// sign or spaces; nullopt otherwise or on overflow.
std::optional<std::uint64_t> parse_option_number(std::string_view x);

/// Negotiates the options of a read request for a file of `file_size`
/// octets (RFC 2347):
///
/// - blksize (RFC 2348): 8..65464 granted up to `cfg.max_block_size`;
///   larger values get the maximum as well; smaller or non-numeric ones are
///   ignored.
/// - tsize (RFC 2349): any number (clients send 0) is answered with
///   `file_size`; non-numeric is ignored.
/// - timeout (RFC 2349): 1..255 seconds granted as asked (the RFC lets the
///   server accept or ignore, not change it); others ignored.
/// - windowsize (RFC 7440): 1..65535 granted up to `cfg.max_window_size`;
///   others ignored.
/// - Any other option is ignored, i.e. left out of the OACK.
///
/// Nothing here refuses a request: an option the server cannot honour is
/// left out, and the client decides whether to go on (RFC 2347).
negotiation negotiate(const std::vector<option>& requested,
                      const server_config& cfg, std::uint64_t file_size);

} // namespace ivm::provisioning::tftp
