#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "provisioning/dhcp/codec.hpp"
#include "provisioning/dhcp/fwd.hpp"
#include "provisioning/dhcp/lease.hpp"
#include "provisioning/dhcp/lease_pool.hpp"
#include "provisioning/dhcp/reply.hpp"
#include "provisioning/dhcp/server_config.hpp"

namespace ivm::provisioning::dhcp {

/// Facts about the datagram that the packet does not carry.
struct net_info {
  /// IP source address (0.0.0.0 from a client without an address).
  ipv4_address source;
  /// True if it was sent to a broadcast address (REBINDING), false if
  /// unicast to us (RENEWING). Informational.
  bool broadcast = true;
};

/// What `server::handle` decided.
enum class outcome : std::uint8_t {
  offered,      ///< DHCPOFFER.
  acked,        ///< DHCPACK with a lease (new, renewed, rebooted).
  naked,        ///< DHCPNAK.
  informed,     ///< DHCPACK to a DHCPINFORM (no lease).
  released,     ///< Lease given back.
  declined,     ///< Address quarantined.
  forgot_offer, ///< The client chose another server; our offer dropped.
  no_address,   ///< Nothing to offer (pool exhausted, reservation busy).
  silent,       ///< RFC 2131 says stay silent (e.g. unknown INIT-REBOOT).
  ignored,      ///< Not for us (wrong segment, not DHCP, bad fields).
  rogue_reply,  ///< Another server's reply: see `result::rogue_server`.
  malformed,    ///< Did not parse: see `result::error`.
};

/// "offered", ...
std::string_view to_string(outcome x);

/// What a request told about its client: for listing unknown phones.
struct observation {
  mac_address mac;
  message_type type = message_type::discover;
  std::string vendor_class; ///< Option 60.
  std::string host_name;    ///< Option 12.
  bytes parameter_list;     ///< Option 55.
  bytes client_id;          ///< Option 61.
  ipv4_address requested;   ///< Option 50.
  ipv4_address ciaddr;
  ipv4_address giaddr;
};

/// Everything the caller does after one datagram, in this order: persist
/// `changes` (keyed by address; group commit is fine), then send `reply`,
/// record `seen`, report `rogue_server`.
struct result {
  outcome what = outcome::ignored;
  /// Why, for the log ("requested address not available", ...).
  std::string_view reason;
  std::optional<outgoing> reply;
  std::vector<lease> changes;
  std::optional<observation> seen;
  std::optional<ipv4_address> rogue_server;
  std::optional<parse_error> error;
};

/// A DHCP server (RFC 2131 §4.3) as pure code: messages in, decisions out.
/// No I/O, no clock, no threads: the caller passes the time and carries out
/// the result. Any input is safe.
class server {
public:
  /// Returns a server for `cfg`, or what is wrong with `cfg`.
  static expected<server, std::string> make(server_config cfg);

  /// Restores stored leases (at start); returns how many were kept.
  std::size_t load(const std::vector<lease>& leases);

  /// Handles one parsed message received on port 67.
  result handle(const packet& in, const net_info& net, time_point now);

  /// Parses and handles one UDP payload received on port 67.
  result handle(const std::uint8_t* data, std::size_t size, const net_info& net,
                time_point now);

  const server_config& config() const noexcept {
    return cfg_;
  }

  const lease_pool& pool() const noexcept {
    return pool_;
  }

private:
  explicit server(server_config cfg);

  bool serves_segment(const packet& in) const;

  void on_discover(const packet& in, const mac_address& mac, time_point now,
                   result& out);

  void on_request(const packet& in, const mac_address& mac, time_point now,
                  result& out);

  void on_init_reboot(const packet& in, const mac_address& mac,
                      ipv4_address requested, time_point now, result& out);

  void on_renew(const packet& in, const mac_address& mac, time_point now,
                result& out);

  void on_release(const packet& in, const mac_address& mac, time_point now,
                  result& out);

  void on_decline(const packet& in, const mac_address& mac, time_point now,
                  result& out);

  void on_inform(const packet& in, const net_info& net, result& out);

  /// Binds and ACKs, or NAKs if the address cannot be leased.
  void ack_or_nak(const packet& in, const mac_address& mac,
                  ipv4_address address, time_point now, result& out);

  /// A reply skeleton (RFC 2131 §4.3.1 table 3) with options 53 and 54.
  packet make_reply(const packet& in, message_type type) const;

  /// Adds lease times (if `lease_fields`), configuration options, option 82.
  void add_options(const packet& in, packet& reply, bool lease_fields) const;

  void reply(const packet& in, packet msg, result& out) const;

  void nak(const packet& in, std::string_view reason, result& out) const;

  server_config cfg_;
  lease_pool pool_;
  option_catalog catalog_;
};

} // namespace ivm::provisioning::dhcp
