#pragma once

// The DHCP server as served (issue 11): datagrams are decided in bursts on
// the socket's I/O thread, with no actor in between. Replies without lease
// changes (OFFER, NAK, INFORM) leave at once; the lease changes of a burst
// go to the storage actor as one write, and the replies that announce them
// (ACK) are sent by the storage thread once that write is on disk. The
// provisioning actor keeps the engine in its state for the admin views
// (`config`, `pool().snapshot()`), and hears of other servers' replies.

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "actors/api/services.hpp"
#include "actors/api/storage_actor.hpp"
#include "actors/provisioning/provisioning_actor.hpp"
#include "provisioning/dhcp/server.hpp"

namespace spdlog {
class logger;
} // namespace spdlog

namespace ivm::metrics {
class counter;
} // namespace ivm::metrics

namespace ivm::actors::prov {

/// Counters of the DHCP path (owned by the metrics registry).
struct dhcp_engine_counters {
  metrics::counter* received = nullptr;
  metrics::counter* malformed = nullptr;
  metrics::counter* replies = nullptr;
  metrics::counter* send_errors = nullptr;
  metrics::counter* write_errors = nullptr;
  /// By `provisioning::dhcp::outcome` (null: not counted).
  std::array<metrics::counter*, 12> outcomes{};
};

/// Everything the engine talks to.
struct dhcp_engine_links {
  std::shared_ptr<net::dhcp_socket> socket;
  storage_actor storage;
  /// Phones seen (at most one sighting per MAC and minute).
  directory_actor directory;
  /// Gets replies of other DHCP servers seen on port 67, as probe input.
  provisioning_actor owner;
  /// Keeps the counters alive while a write is under way.
  std::shared_ptr<metrics::registry> metrics;
  dhcp_engine_counters counters;
  /// Our rogue-server probe's MAC: its DISCOVER looped back is no client.
  provisioning::mac_address probe_mac;
  std::shared_ptr<spdlog::logger> log;
};

class dhcp_engine {
public:
  struct core;

  /// The decisions of the pool as of now (taken under the engine's lock).
  class pool_view {
  public:
    explicit pool_view(std::shared_ptr<core> c) : core_(std::move(c)) {
      // nop
    }

    std::vector<provisioning::dhcp::lease> snapshot() const;

  private:
    std::shared_ptr<core> core_;
  };

  explicit dhcp_engine(provisioning::dhcp::server srv);

  /// Stops serving: bursts still in the socket's hands are dropped; writes
  /// under way still send their replies.
  ~dhcp_engine();

  dhcp_engine(const dhcp_engine&) = delete;
  dhcp_engine& operator=(const dhcp_engine&) = delete;

  /// Restores stored leases (before `serve`); returns how many were kept.
  std::size_t load(const std::vector<provisioning::dhcp::lease>& leases);

  /// Immutable once made: safe from any thread.
  const provisioning::dhcp::server_config& config() const noexcept;

  pool_view pool() const;

  /// Starts taking bursts from `links.socket`.
  void serve(dhcp_engine_links links);

private:
  std::shared_ptr<core> core_;
};

} // namespace ivm::actors::prov
