#pragma once

// The runner's part of phone provisioning (issue 11): bind the DHCP, TFTP
// and HTTP sockets and load template overrides before anything is written,
// then read the stored leases before the storage actor takes the store.

#include <optional>
#include <string>

#include "actors/provisioning/provisioning_actor.hpp"
#include "appliance/common/expected.hpp"
#include "appliance/main/settings.hpp"

namespace ivm::net {
class io_pool;
} // namespace ivm::net

namespace ivm::storage {
class store;
} // namespace ivm::storage

namespace ivm::app {

/// Opens what [dhcp] and [provisioning] ask for; nullopt when everything
/// is off. Errors name the key or file ("dhcp.interface: ...").
expected<std::optional<actors::provisioning_config>, std::string>
open_provisioning(net::io_pool& io, const settings& cfg);

/// Reads family `leases` into `pc` (when DHCP is on).
std::optional<std::string> load_stored_leases(storage::store& db,
                                              actors::provisioning_config& pc);

} // namespace ivm::app
