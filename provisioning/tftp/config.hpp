#pragma once

#include <chrono>
#include <cstdint>

namespace ivm::provisioning::tftp {

/// Durations of the transfer machine (millisecond resolution).
using duration = std::chrono::milliseconds;

/// Points in time; the caller passes `now` into every step.
using time_point = std::chrono::steady_clock::time_point;

/// What the server grants and how long it waits. One per server; every
/// transfer copies what it needs.
struct server_config {
  /// Largest blksize granted (RFC 2348); larger requests get this. 1468
  /// fills a 1500-octet Ethernet frame over IPv4 (1500 - 20 IP - 8 UDP -
  /// 4 TFTP); loopback or jumbo frames allow more. Clamped to 8..65464.
  std::uint16_t max_block_size = 1468;

  /// Largest windowsize granted (RFC 7440); larger requests get this.
  /// At least 1.
  std::uint16_t max_window_size = 64;

  /// Retransmission interval when the client asks for no timeout option
  /// (RFC 2349 sets it in whole seconds when it does).
  duration retransmit_timeout{1000};

  /// Retransmissions of an unacknowledged OACK or window before the
  /// transfer is given up (silently: the client is presumed gone).
  std::uint8_t max_retries = 5;

  /// False: every option is ignored, as by a plain RFC 1350 server (no
  /// OACK, 512-octet lockstep).
  bool options_enabled = true;
};

} // namespace ivm::provisioning::tftp
