#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "provisioning/dhcp/fwd.hpp"
#include "provisioning/dhcp/ipv4_address.hpp"
#include "provisioning/mac_address.hpp"

namespace ivm::provisioning::dhcp {

/// Lease times are wall-clock: they survive restarts (stored as seconds).
using clock_type = std::chrono::system_clock;
using time_point = clock_type::time_point;

/// States of one address's lease (RFC 2131 §4.3; figure 5 is the client's
/// view of the same life).
enum class lease_state : std::uint8_t {
  expired,  ///< Nobody holds it; `mac` is the last holder, if any.
  offered,  ///< Held for `mac` until `expiry` after a DHCPOFFER.
  bound,    ///< Leased to `mac` until `expiry` (DHCPACK).
  released, ///< Given back by `mac` (DHCPRELEASE) at `expiry`.
  declined, ///< Reported in use by someone else; unusable until `expiry`.
};

/// What happens to a lease.
enum class lease_event : std::uint8_t {
  offer,   ///< DHCPOFFER sent for it (a bound lease is re-offered to its
           ///< holder without a transition).
  bind,    ///< DHCPACK sent for it (new lease, renewal, reboot).
  release, ///< DHCPRELEASE from its holder.
  decline, ///< DHCPDECLINE from its holder.
  forget,  ///< The client chose another server's offer.
  lapse,   ///< `expiry` passed.
};

inline constexpr std::size_t lease_state_count = 5;
inline constexpr std::size_t lease_event_count = 6;

namespace detail {

using lease_table =
    std::array<std::array<std::optional<lease_state>, lease_event_count>,
               lease_state_count>;

constexpr lease_table make_lease_transitions() {
  using s = lease_state;
  constexpr std::optional<lease_state> no;
  constexpr std::optional<lease_state> expired{s::expired};
  constexpr std::optional<lease_state> offered{s::offered};
  constexpr std::optional<lease_state> bound{s::bound};
  constexpr std::optional<lease_state> released{s::released};
  constexpr std::optional<lease_state> declined{s::declined};
  // clang-format off
  return {{
    //               offer    bind   release   decline   forget   lapse
    /* expired  */ {{offered, bound, no,       no,       no,      no}},
    /* offered  */ {{offered, bound, no,       declined, expired, expired}},
    /* bound    */ {{no,      bound, released, declined, no,      expired}},
    /* released */ {{offered, bound, no,       no,       no,      no}},
    /* declined */ {{no,      no,    no,       no,       no,      expired}},
  }};
  // clang-format on
}

} // namespace detail

/// The lease state machine: `lease_transitions[state][event]` is the next
/// state, or nullopt where the state does not accept the event.
inline constexpr detail::lease_table lease_transitions =
    detail::make_lease_transitions();

/// Returns the state `event` moves `from` to, or nullopt if not accepted.
constexpr std::optional<lease_state> next_state(lease_state from,
                                                lease_event event) {
  auto s = static_cast<std::size_t>(from);
  auto e = static_cast<std::size_t>(event);
  if (s >= lease_state_count || e >= lease_event_count)
    return std::nullopt;
  return lease_transitions[s][e];
}

/// "expired", "offered", ...
std::string_view to_string(lease_state x);

/// Parses the names of `to_string` (for storage codecs).
std::optional<lease_state> parse_lease_state(std::string_view text);

/// "offer", ...
std::string_view to_string(lease_event x);

/// One address's record: what storage keeps, keyed by `address` (a change
/// replaces the record of that address).
struct lease {
  ipv4_address address;
  mac_address mac;
  lease_state state = lease_state::expired;
  /// bound/offered: end of the lease or hold; declined: end of quarantine;
  /// released/expired: when it ended. Old `expiry` = reused first (LRU).
  time_point expiry{};

  friend bool operator==(const lease& x, const lease& y) {
    return x.address == y.address && x.mac == y.mac && x.state == y.state &&
           x.expiry == y.expiry;
  }
};

/// The state at `now`: offered, bound and declined records whose `expiry`
/// passed have lapsed to `expired`.
lease_state current_state(const lease& x, time_point now);

/// Applies `event` at `now` with the new `expiry`; returns false (and
/// leaves `x` alone) if the current state does not accept it.
bool step(lease& x, lease_event event, time_point expiry, time_point now);

} // namespace ivm::provisioning::dhcp
