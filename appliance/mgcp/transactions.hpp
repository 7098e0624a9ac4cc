#pragma once

// MGCP transactions (RFC 3435 §3.5): the commands this side sent, with
// their retransmission schedule, and the commands it received, with the
// responses kept to answer repeats (never executing a command twice).
// Pure: the caller passes the time and sends what it is told to.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::mgcp {

using millis = std::chrono::milliseconds;

/// Retransmission settings (RFC 3435 §3.5.3, §4.3).
struct retransmit_policy {
  millis initial{200};     ///< first wait
  millis max{4000};        ///< the backoff stops doubling here
  unsigned max_sends = 8;  ///< the first send and 7 repeats (Max2 = 7)
  millis long_timer{5000}; ///< after a provisional response (LONG-TRAN)
};

/// Commands this side sent and waits on, by transaction id. `Key` names the
/// peer (a gateway); ids are unique per table, so one table serves all.
class outgoing_transactions {
public:
  struct entry {
    std::string peer;     ///< who it went to (the caller's name for it)
    std::string datagram; ///< what to send again
    unsigned sends = 1;
    millis next_at{0};
    millis wait{0};
    bool provisional = false; ///< a 1xx came: waiting for the final
  };

  explicit outgoing_transactions(retransmit_policy p = {},
                                 std::uint32_t first_id = 1)
    : policy_(p), next_id_(first_id == 0 ? 1 : first_id) {}

  /// A fresh transaction id (1..999999999, not in use).
  std::uint32_t next_id();

  /// Records a command sent at `now`.
  void sent(std::uint32_t tid, std::string peer, std::string datagram,
            millis now);

  /// A response arrived from `peer`. Final: the entry is removed and
  /// returned. Provisional (1xx): the entry waits longer; nothing returned.
  /// A response to no transaction of this peer (late, repeated): nothing.
  std::optional<entry> on_response(std::string_view peer, std::uint32_t tid,
                                   int code, millis now);

  struct due_list {
    std::vector<std::pair<std::uint32_t, entry>> resend; ///< send again
    std::vector<std::pair<std::uint32_t, entry>> failed; ///< gave up
  };
  /// What is due at `now`: datagrams to send again (their counts updated)
  /// and transactions given up (removed).
  due_list due(millis now);

  /// When the next retransmission or give-up is due, if any.
  std::optional<millis> next_due() const;

  /// Forgets every transaction to `peer` (it restarted or was removed).
  std::vector<std::uint32_t> drop_peer(std::string_view peer);

  std::size_t size() const {
    return pending_.size();
  }

private:
  retransmit_policy policy_;
  std::uint32_t next_id_;
  std::map<std::uint32_t, entry> pending_;
};

/// Commands received, by (peer, transaction id), for T-HIST (RFC 3435
/// §3.5.4): a repeat while the command runs gets a provisional answer or
/// nothing, a repeat after it gets the same response again.
class incoming_transactions {
public:
  explicit incoming_transactions(millis history = millis{30000})
    : history_(history) {}

  enum class verdict : std::uint8_t {
    fresh,     ///< never seen: execute it
    executing, ///< a repeat of one still running: answer 100 or nothing
    answered,  ///< a repeat of one answered: send `cached` again
  };
  struct check_result {
    verdict what = verdict::fresh;
    std::string cached; ///< with verdict::answered
  };

  /// Looks up (and for a fresh one, records) a command.
  check_result check(const std::string& peer, std::uint32_t tid, millis now);

  /// Keeps the response sent to a command.
  void answered(const std::string& peer, std::uint32_t tid,
                std::string datagram, millis now);

  /// The peer's K: list confirmed these responses (RFC 3435 §3.5.6): their
  /// text is dropped; the id is still known until the history ends.
  void acknowledged(
      const std::string& peer,
      const std::vector<std::pair<std::uint32_t, std::uint32_t>>& ranges);

  /// Forgets what is older than the history.
  void expire(millis now);

  /// Forgets everything of `peer`.
  void drop_peer(const std::string& peer);

  std::size_t size() const {
    return seen_.size();
  }

private:
  struct record {
    bool done = false;
    std::string response;
    millis at{0};
  };
  millis history_;
  std::map<std::pair<std::string, std::uint32_t>, record> seen_;
  /// Answers in the order they were sent: expire() looks at the oldest
  /// only (a walk of the whole history on every datagram cost 13 µs per
  /// transaction with 1,000 busy endpoints, bench/mgcp_codec_bench).
  std::deque<std::pair<millis, std::pair<std::string, std::uint32_t>>> order_;
};

/// Parses a ResponseAck value, "6234-6255, 6257, 19030-19044": inclusive
/// ranges (an empty value is an empty list). Refuses ranges that run
/// backwards or ids beyond 999999999.
expected<std::vector<std::pair<std::uint32_t, std::uint32_t>>, std::string>
parse_response_ack(std::string_view value);

} // namespace ivm::mgcp
