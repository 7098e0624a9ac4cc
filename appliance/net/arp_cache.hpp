#pragma once

// Which ARP entries the DHCP socket made lately (issue 11): a reply to a
// client without an address goes out by link-level unicast after an ARP
// entry address -> MAC (SIOCSARP, as dnsmasq). The OFFER and the ACK of one
// exchange, and the same phone coming back, need that entry once, not once
// per reply. Pure: the caller passes the time.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace ivm::net {

class arp_cache {
public:
  using clock_type = std::chrono::steady_clock;
  using mac_bytes = std::array<std::uint8_t, 6>;

  /// An entry made at t is trusted until t + `ttl`: below the kernel's
  /// shortest REACHABLE time (base_reachable_time / 2 = 15 s by default),
  /// after which it would still send to a STALE entry, then probe it.
  explicit arp_cache(clock_type::duration ttl = std::chrono::seconds{5},
                     std::size_t capacity = 4096)
    : ttl_(ttl), capacity_(capacity) {
    // nop
  }

  /// True if an entry `address` -> `mac` was made less than `ttl` ago.
  bool fresh(std::uint32_t address, const mac_bytes& mac,
             clock_type::time_point now) const;

  /// Records that the entry `address` -> `mac` was made at `now`. Beyond
  /// `capacity` entries, the stale ones are dropped (or all, if none is).
  void remember(std::uint32_t address, const mac_bytes& mac,
                clock_type::time_point now);

  /// Forgets `address` (its entry could not be made).
  void forget(std::uint32_t address);

  std::size_t size() const noexcept {
    return entries_.size();
  }

private:
  struct entry {
    mac_bytes mac;
    clock_type::time_point made;
  };

  clock_type::duration ttl_;
  std::size_t capacity_;
  std::unordered_map<std::uint32_t, entry> entries_;
};

} // namespace ivm::net
