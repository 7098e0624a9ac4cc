#pragma once

// The runner's part of phone provisioning (issue 11): bind the DHCP, TFTP
// and HTTP sockets and load template overrides before anything is written,
// then read the stored leases and DHCP scope before the storage actor takes
// the store.

#include <optional>
#include <string>

#include "actors/provisioning/provisioning_actor.hpp"
#include "appliance/common/expected.hpp"
#include "appliance/main/settings.hpp"

namespace ivm::net {
class io_pool;
class tls_context;
} // namespace ivm::net

namespace ivm::storage {
class store;
} // namespace ivm::storage

namespace ivm::app {

/// Opens what [dhcp] and [provisioning] ask for; nullopt when everything
/// is off. Errors name the key or file ("dhcp.interface: ...").
expected<std::optional<actors::provisioning_config>, std::string>
open_provisioning(net::io_pool& io, const settings& cfg);

/// Gives the HTTPS provisioning server (if on) its certificate:
/// provisioning.https_certificate, else the box's (`box_tls`, the SIP TLS
/// one, or the self-signed one in data_dir/tls, made if missing). Call
/// once the data dir exists.
std::optional<std::string>
enable_provisioning_https(actors::provisioning_config& pc, const settings& cfg,
                          const std::shared_ptr<net::tls_context>& box_tls);

/// Reads family `leases` into `pc` (also when DHCP is off: the admin may
/// turn it on), then `use_stored_scope`.
std::optional<std::string> load_stored_leases(storage::store& db,
                                              actors::provisioning_config& pc);

/// A scope stored through the admin API replaces the file's [dhcp]: its
/// sockets are opened instead. One that no longer holds (say, its
/// interface is gone) leaves DHCP off with `pc.dhcp_error` set, never the
/// file's scope in its place. Fails only when the store cannot be read.
std::optional<std::string> use_stored_scope(storage::store& db,
                                            actors::provisioning_config& pc);

} // namespace ivm::app
