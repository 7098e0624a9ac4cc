#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/api/types.hpp"
#include "appliance/net/tcp_server.hpp"
#include "appliance/sip/message.hpp"

namespace ivm::actors {

enum class sip_transport_kind : std::uint8_t { udp, tcp, tls };

std::string_view to_string(sip_transport_kind k);

/// Where a SIP message came from, and so how to answer it.
struct sip_flow {
  sip_transport_kind kind = sip_transport_kind::udp;
  /// The connection for TCP/TLS (0 for UDP).
  net::conn_id conn = 0;
  /// The peer's address (source of the datagram or connection).
  net::endpoint remote;
};

/// A parsed message handed from a transport to a router shard.
struct sip_inbound {
  sip::message msg;
  sip_flow flow;
  /// When the I/O thread received it (UDP; empty otherwise).
  std::chrono::steady_clock::time_point received{};
};

/// A request the box sends (a client transaction, RFC 3261 §17.1): the
/// final outcome goes to `requester` as `(sipresult_atom, id, status,
/// response)`; 408 on timeout, 503 when the transport failed.
struct sip_request_task {
  std::uint64_t id = 0;
  caf::actor requester;
  sip::message request;
  sip_flow flow;
  net::endpoint dest;
};

/// One place a proxied request goes (a registered device of the callee).
struct proxy_target {
  std::string uri; ///< the Request-URI (the device's Contact)
  sip_flow flow;
  net::endpoint dest;
  /// A device the box runs itself (a legacy phone's station, issue 15):
  /// the router offers it the request as `(proxy_atom, branch, line,
  /// sip_task)`; the device answers `(proxy_atom, branch, response)` with
  /// responses built from the request as received, and is told `(proxy_atom,
  /// branch)` when the call is cancelled or taken elsewhere. Its dialog is
  /// then the box's own (in-dialog requests come as for `dialog_atom`).
  caf::actor local;
  std::string line;
};

/// Where a new INVITE goes (RFC 3261 §16.5), decided by the callee's client
/// actor: every device, in parallel.
struct proxy_plan {
  std::string caller; ///< extension of the calling user
  std::string callee; ///< extension of the called user
  std::vector<proxy_target> targets;
};

/// The router shard that handles a Call-ID (all shards use this).
std::size_t shard_of(std::string_view call_id, std::size_t shards);

/// Counters of one router shard.
struct sip_router_stats {
  std::uint64_t server_transactions = 0; ///< open now
  std::uint64_t requests = 0;            ///< new requests handled
  std::uint64_t retransmissions = 0;     ///< absorbed retransmissions
};

/// A shard of the transaction layer (RFC 3261 §17): every message of one
/// Call-ID goes to the same shard.
using sip_router_actor = caf::typed_actor<
    caf::reacts_to<atoms::recv_atom, sip_inbound>,
    caf::reacts_to<caf::tick_atom, std::uint64_t>,
    caf::reacts_to<atoms::sipresp_atom, std::string, sip::message>,
    caf::reacts_to<atoms::sipsend_atom, sip_request_task>,
    caf::reacts_to<atoms::proxy_atom, std::string, proxy_plan>,
    // A response of a local branch (see proxy_target::local).
    caf::reacts_to<atoms::proxy_atom, std::string, sip::message>,
    // A dialog the box is the UAS of (a recording): its in-dialog requests
    // (BYE...) go to `owner` as (sipreq_atom, sip_task); a null owner ends it.
    caf::reacts_to<atoms::dialog_atom, std::string, caf::actor>,
    caf::replies_to<atoms::stats_atom>::with<sip_router_stats>,
    // Whether the request of server transaction `key` still waits for its
    // final answer (not cancelled, not answered): a call held by the box.
    caf::replies_to<atoms::seen_atom, std::string>::with<bool>>;

/// A transport: bytes in from one listening socket, parsed messages out to
/// the router shards.
using sip_transport_actor = caf::typed_actor<
    caf::reacts_to<atoms::recv_atom, datagram>,
    caf::reacts_to<atoms::conn_atom, net::conn_id, net::endpoint>,
    caf::reacts_to<atoms::conn_atom, net::conn_id, std::string>,
    caf::reacts_to<caf::close_atom, net::conn_id>>;

} // namespace ivm::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::sip_inbound)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::sip_request_task)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::proxy_plan)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::sip::message)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::actors::sip_router_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ivm::net::endpoint)
