#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "provisioning/dhcp/fwd.hpp"
#include "provisioning/dhcp/lease.hpp"
#include "provisioning/dhcp/server_config.hpp"

namespace ivm::provisioning::dhcp {

/// The addresses of one pool and their leases: which address a client gets
/// (RFC 2131 §4.3.1), and the records that change. Pure and in memory; the
/// caller persists what `bind`, `release` and `decline` return.
///
/// Memory is bounded by the pool: one record per address ever handed out
/// (pool plus reservations), one index entry per MAC holding one.
class lease_pool {
public:
  explicit lease_pool(const server_config& cfg);

  // -- restart ----------------------------------------------------------------

  /// Restores stored records (at start, before any request). Records for
  /// addresses that this configuration cannot hand out are skipped; the
  /// count of records kept is returned. A MAC found on several records keeps
  /// the one with the latest expiry as its own.
  std::size_t load(const std::vector<lease>& records);

  // -- queries ----------------------------------------------------------------

  /// Returns the record of `address`, if any.
  const lease* find(ipv4_address address) const;

  /// Returns the record the MAC holds or held last, if any.
  const lease* find(const mac_address& mac) const;

  /// Returns the address reserved for `mac`, if any.
  std::optional<ipv4_address> reserved_for(const mac_address& mac) const;

  /// Returns true if `x` is in the pool's subnet.
  bool in_subnet(ipv4_address x) const noexcept {
    return x.same_subnet(first_, mask_);
  }

  /// Returns true if `x` is in the configured range.
  bool in_range(ipv4_address x) const noexcept {
    return first_ <= x && x <= last_;
  }

  /// Returns true if `address` may be leased to `mac` at `now`: in the
  /// range or reserved for it, not reserved for another, not held by
  /// another (offered or bound, unexpired), not declined. A MAC with a
  /// reservation may lease only its reserved address.
  bool assignable(const mac_address& mac, ipv4_address address,
                  time_point now) const;

  /// The address to offer `mac`, in the order of RFC 2131 §4.3.1: its
  /// reservation; its current or previous address; `requested`; an address
  /// never handed out; the one whose lease ended longest ago. nullopt if
  /// none (pool exhausted, or the reserved address is held by another).
  std::optional<ipv4_address> choose(const mac_address& mac,
                                     std::optional<ipv4_address> requested,
                                     time_point now) const;

  /// Number of records (addresses handed out at least once).
  std::size_t size() const noexcept {
    return records_.size();
  }

  /// All records, by address.
  std::vector<lease> snapshot() const;

  // -- changes ----------------------------------------------------------------

  /// Holds `address` for `mac` for the offer hold (a lease bound to `mac`
  /// stays as it is). Returns false if the address is not assignable.
  bool offer(const mac_address& mac, ipv4_address address, time_point now);

  /// Leases `address` to `mac` until now + lease time. Returns the records
  /// to persist: the MAC's previous address (released) if it had another
  /// one bound, then the new binding. Empty if not assignable.
  std::vector<lease> bind(const mac_address& mac, ipv4_address address,
                          time_point now);

  /// Ends the MAC's lease on `address`; returns the record to persist.
  std::optional<lease> release(const mac_address& mac, ipv4_address address,
                               time_point now);

  /// Quarantines `address` offered or bound to `mac` for the decline hold;
  /// returns the record to persist.
  std::optional<lease> decline(const mac_address& mac, ipv4_address address,
                               time_point now);

  /// Drops the address offered to `mac` (it chose another server).
  void forget(const mac_address& mac, time_point now);

private:
  static std::uint64_t key(const mac_address& mac);

  bool excluded(std::uint32_t address) const noexcept;

  lease* find_mutable(ipv4_address address);

  /// Stores `rec`, keeping the indexes; `index_mac` false keeps the MAC's
  /// current index entry.
  void put(const lease& rec, bool index_mac = true);

  ipv4_address first_;
  ipv4_address last_;
  ipv4_address mask_;
  ipv4_address server_;
  std::chrono::seconds lease_time_;
  std::chrono::seconds offer_hold_;
  std::chrono::seconds decline_hold_;
  std::unordered_map<std::uint32_t, lease> records_;
  std::unordered_map<std::uint64_t, std::uint32_t> by_mac_;
  std::set<std::pair<time_point, std::uint32_t>> by_expiry_;
  std::unordered_map<std::uint64_t, std::uint32_t> reserved_by_mac_;
  std::unordered_map<std::uint32_t, std::uint64_t> reserved_by_address_;
  /// Every address below it is excluded or has a record.
  mutable std::uint64_t next_fresh_;
};

} // namespace ivm::provisioning::dhcp
