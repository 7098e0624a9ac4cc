#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "appliance/common/expected.hpp"
#include "appliance/net/endpoint.hpp"

namespace ivm::net {

class io_pool;
class tls_context;

/// Identifies one accepted connection for the lifetime of the process.
using conn_id = std::uint64_t;

/// Callbacks, run on an I/O thread; they must not block.
struct tcp_handlers {
  std::function<void(conn_id, endpoint remote)> on_open;
  std::function<void(conn_id, std::string bytes)> on_data;
  std::function<void(conn_id, std::string reason)> on_close;
};

struct tcp_limits {
  /// Connections open at once; further ones are closed on accept.
  std::size_t max_connections = 4096;
  /// Connections from one source address at once.
  std::size_t max_per_source = 64;
  /// Bytes queued for a peer that does not read; past it, close.
  std::size_t max_write_queue = 1 << 20;
  /// Close connections without any received byte for this long (0: never).
  std::chrono::seconds idle_timeout{0};
};

/// A listening TCP socket and its connections. Thread-safe.
class tcp_server {
public:
  struct impl;

  /// Binds and listens on `local`; a message names the address on failure.
  static expected<std::unique_ptr<tcp_server>, std::string>
  open(io_pool& pool, const endpoint& local, tcp_limits limits = {});

  ~tcp_server();

  /// Makes every connection accepted from now on TLS (server side). Call
  /// before `start`.
  void enable_tls(std::shared_ptr<tls_context> ctx);

  /// Starts accepting and delivering events to `handlers`.
  void start(tcp_handlers handlers);

  /// Queues `bytes` on connection `id` (ignored if it is gone).
  void send(conn_id id, std::string bytes);

  /// Closes connection `id` after flushing what is queued.
  void close(conn_id id);

  endpoint local_endpoint() const;

  /// Stops accepting and closes every connection.
  void close();

  std::size_t connection_count() const;

private:
  explicit tcp_server(std::shared_ptr<impl> ptr);
  std::shared_ptr<impl> impl_;
};

} // namespace ivm::net
