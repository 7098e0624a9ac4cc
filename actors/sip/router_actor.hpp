#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/api/services.hpp"
#include "actors/api/sip.hpp"
#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/transaction/timer.hpp"

namespace ivm::metrics {
class registry;
} // namespace ivm::metrics

namespace ivm::actors {

class sip_outbound;

struct sip_router_config {
  sip::core::uas_config uas;
  /// Our own listening addresses by Via transport ("UDP", "TCP", "TLS"):
  /// loop detection.
  std::vector<std::pair<std::string, net::endpoint>> self;
  sip::timer_config timers;
  /// Server transactions a shard keeps at most; beyond, requests are
  /// answered 503 statelessly.
  std::size_t max_transactions = 200000;
  /// Requests a shard may have waiting for the directory (registrar,
  /// messaging) at once; beyond, new ones get 503 with Retry-After at once,
  /// so that past its capacity the box sheds load instead of queueing it
  /// until clients retransmit and the queues explode.
  std::size_t max_pending = 5000;
  /// A new out-of-dialog request that waited longer than this in the box's
  /// queues (UDP: from the I/O thread to its router shard) is answered 503
  /// with Retry-After at once: past its capacity the box sheds new work
  /// (calls above all) instead of letting retransmissions pile up. In-dialog
  /// requests (BYE...) always go through.
  std::chrono::milliseconds max_queue_delay{300};
  /// Answer UDP requests at their source address (see
  /// sip::core::response_destination).
  bool symmetric_responses = true;
  std::shared_ptr<sip_outbound> out;
  std::shared_ptr<metrics::registry> metrics;
  /// Registrar and messaging (when `uas.directory`).
  directory_actor directory;
  /// The listening sockets, for the Via and Record-Route of proxied
  /// requests (RFC 3261 §16.6).
  net::endpoint udp_self;
  net::endpoint tcp_self;
  net::endpoint tls_self;
  /// How long a proxied INVITE may ring before the box gives up on it
  /// (Timer C, RFC 3261 §16.8: more than 3 minutes).
  std::chrono::seconds invite_timeout{181};
};

sip_router_actor spawn_sip_router(caf::actor_system& sys,
                                  sip_router_config cfg);

} // namespace ivm::actors
