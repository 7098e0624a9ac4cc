#pragma once

// DHCP lease records in family `leases` (issue 11): one record per address,
// written before the reply that announces it, read back at start so that a
// restart never gives one MAC's address to another.

#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "provisioning/dhcp/lease.hpp"
#include "storage/store.hpp"

namespace ivm::storage::records {

/// Key of a lease: its address as 4 big-endian bytes (scan order is
/// address order).
std::string lease_key(provisioning::dhcp::ipv4_address address);

/// Value of a lease: version 1, MAC (6 bytes), state, expiry in seconds
/// since the epoch.
std::string encode_lease(const provisioning::dhcp::lease& x);

/// Decodes a record written by `encode_lease` under `key`.
expected<provisioning::dhcp::lease, error> decode_lease(std::string_view key,
                                                        std::string_view value);

/// Adds a put of every lease in `xs` to `batch`.
void put_leases(write_batch& batch,
                const std::vector<provisioning::dhcp::lease>& xs);

/// Every stored lease (at start, before the storage actor takes the store).
/// Records that do not decode are skipped and counted in `skipped`.
expected<std::vector<provisioning::dhcp::lease>, error>
load_leases(store& db, std::size_t* skipped = nullptr);

} // namespace ivm::storage::records
