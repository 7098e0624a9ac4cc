#pragma once

// Shedding under overload, one rule for every place that sheds (router
// shards, the directory) and the one counter they all count into (with the
// I/O thread and the transport actors, which drop before parsing).

#include <chrono>

#include "actors/api/sip.hpp"
#include "appliance/common/metrics.hpp"

namespace ivm::actors {

inline metrics::counter& sip_overload_counter(metrics::registry& m) {
  return m.make_counter(
      "ivm_sip_overload_total",
      "UDP datagrams dropped, TCP/TLS connections closed or requests answered "
      "503 because the box was too far behind.");
}

/// A request to refuse (503 + Retry-After, RFC 3261 §21.5.4): it waited
/// longer than `limit` since the socket (UDP; 0: never) and starts new work
/// (out of dialog, not CANCEL: requests within a dialog end or carry work
/// already paid for).
bool too_late_to_start(const sip_inbound& in, std::chrono::milliseconds limit,
                       std::chrono::steady_clock::time_point now =
                           std::chrono::steady_clock::now());

} // namespace ivm::actors
