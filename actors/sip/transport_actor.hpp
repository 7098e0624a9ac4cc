#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/api/sip.hpp"
#include "appliance/sip/parser.hpp"

namespace ivm::metrics {
class registry;
} // namespace ivm::metrics

namespace ivm::actors {

class sip_outbound;

struct sip_transport_config {
  sip_transport_kind kind = sip_transport_kind::udp;
  sip::parse_options limits;
  std::vector<sip_router_actor> shards;
  std::shared_ptr<sip_outbound> out;
  std::shared_ptr<metrics::registry> metrics;
  std::string server = "ivm-appliance";
  /// Datagrams / stream chunks handed over by the I/O thread and not yet
  /// processed; the I/O side drops (UDP) or closes (TCP) beyond a limit, so
  /// a flood cannot grow the mailbox without bound.
  std::shared_ptr<std::atomic<std::size_t>> inflight =
      std::make_shared<std::atomic<std::size_t>>(0);
  /// A new request that waited longer than this between the socket and
  /// this actor is dropped unparsed (its sender has retransmitted or given
  /// up meanwhile): overload costs a look at the first bytes, not a parse.
  /// 0: never.
  std::chrono::milliseconds max_queue_delay{300};
};

/// Most datagrams or chunks in flight towards one transport actor.
inline constexpr std::size_t max_inflight = 20000;

/// Spawns the transport actor of one listening socket: it frames (streams)
/// and parses what arrives, answers unparseable requests statelessly
/// (400/505/513), drops bad responses, and hands every message to the
/// router shard of its Call-ID.
sip_transport_actor spawn_sip_transport(caf::actor_system& sys,
                                        sip_transport_config cfg);

} // namespace ivm::actors
