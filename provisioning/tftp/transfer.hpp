#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "provisioning/tftp/config.hpp"
#include "provisioning/tftp/effects.hpp"
#include "provisioning/tftp/events.hpp"
#include "provisioning/tftp/fwd.hpp"
#include "provisioning/tftp/options.hpp"
#include "provisioning/tftp/packet.hpp"

namespace ivm::provisioning::tftp {

/// States of one read transfer.
enum class transfer_state : std::uint8_t {
  idle,        ///< Created, not started.
  negotiating, ///< OACK sent, waiting for ACK 0 (RFC 2347).
  sending,     ///< A window of DATA is out, waiting for its ACK.
  finished,    ///< Done (see `effects::done`); the caller drops the machine.
};

/// Returns the state's name, e.g. "sending".
std::string_view to_string(transfer_state x);

/// One read transfer to one client TID: a pure state machine that sends a
/// file of known size (RFC 1350 §2, RFC 2347, RFC 7440).
///
/// Usage: construct with the configuration, the request's options and the
/// file size, feed `events::start`, then every ACK and ERROR from the
/// client's TID (`to_event`) and every firing of the timer; execute the
/// effects in order. The machine never holds file contents: it asks for
/// byte ranges with `effects::send_data`.
///
/// Sending: with windowsize W (1 is RFC 1350 lockstep) the machine sends
/// blocks acked+1 .. acked+W and waits. An ACK for block k in that range
/// moves the window to k+1 and sends the next W blocks, so an ACK for the
/// window's last block continues and an ACK for an earlier one (the client
/// saw a gap, RFC 7440) rewinds to the first missing block. An ACK for
/// the block already acknowledged is a duplicate and sends nothing: only
/// the timer retransmits (RFC 1123 §4.2.3.1). A timeout re-sends the OACK
/// or the window; after `max_retries` the transfer ends silently.
///
/// Block numbers: block i of the file goes out as i mod 65536, so after
/// 65535 comes 0 (as tftp-hpa and atftp do); ACKs are matched against the
/// window, which is never wider than 65535 blocks, so this is unambiguous.
/// The file always ends with a block shorter than the block size: 0 octets
/// when the size is a multiple of it.
class transfer {
public:
  /// A transfer of `file_size` octets for a request carrying `options`
  /// (negotiated here, see `negotiate`).
  transfer(const server_config& cfg, const std::vector<option>& options,
           std::uint64_t file_size);

  /// Feeds one event; returns what the caller must do, in order.
  transfer_effects step(const transfer_event& ev, time_point now);

  /// Returns true if the current state accepts `ev` (before checking a
  /// timer firing for staleness).
  bool accepts(const transfer_event& ev) const;

  // -- observers --------------------------------------------------------------

  transfer_state state() const noexcept {
    return state_;
  }

  /// What was negotiated; `acknowledged` is the OACK's content.
  const negotiation& options() const noexcept {
    return nego_;
  }

  std::uint64_t file_size() const noexcept {
    return file_size_;
  }

  /// Number of DATA blocks of the file (the last one short).
  std::uint64_t block_count() const noexcept {
    return blocks_;
  }

  /// File octets the client acknowledged so far.
  std::uint64_t bytes_acked() const noexcept;

  /// When the current state was entered.
  time_point entered_at() const noexcept {
    return entered_at_;
  }

  const transfer_stats& stats() const noexcept {
    return stats_;
  }

private:
  void on_start(time_point now, transfer_effects& out);

  void on_ack(std::uint16_t block, time_point now, transfer_effects& out);

  void on_timeout(time_point now, transfer_effects& out);

  /// Sends blocks acked_+1 .. acked_+W (capped at the last) and arms the
  /// timer.
  void send_window(time_point now, transfer_effects& out);

  void arm(time_point now, transfer_effects& out);

  void finish(effects::done result, time_point now, transfer_effects& out);

  void enter(transfer_state next, time_point now);

  negotiation nego_;
  std::uint8_t max_retries_;
  std::uint64_t file_size_;
  std::uint64_t blocks_;
  std::string oack_;
  transfer_state state_ = transfer_state::idle;
  time_point entered_at_{};

  /// Highest block index (1-based, not wrapped) the client acknowledged.
  std::uint64_t acked_ = 0;

  /// Next block index never sent yet.
  std::uint64_t next_ = 1;

  /// Timeouts since the last progress.
  std::uint32_t retries_ = 0;

  /// Generation of the armed timer; 0 when none is armed.
  std::uint64_t timer_ = 0;
  std::uint64_t next_generation_ = 1;

  transfer_stats stats_;
};

} // namespace ivm::provisioning::tftp
