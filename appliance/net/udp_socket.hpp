#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "appliance/common/expected.hpp"
#include "appliance/net/endpoint.hpp"

namespace ivm::net {

class io_pool;

/// Called on an I/O thread for each received datagram. Must not block: hand
/// the bytes to an actor.
using datagram_handler =
    std::function<void(std::string payload, endpoint from)>;

/// A bound UDP socket on an `io_pool`. Thread-safe: any thread may send.
class udp_socket {
public:
  struct impl;

  /// Binds to `local` (fails with a message naming the address when the
  /// port is in use or the address is not local). `rcvbuf` sets SO_RCVBUF.
  static expected<std::unique_ptr<udp_socket>, std::string>
  open(io_pool& pool, const endpoint& local, std::size_t rcvbuf = 4 << 20);

  ~udp_socket();

  /// Starts delivering datagrams to `handler`.
  void start(datagram_handler handler);

  /// Queues `payload` for `to`; never blocks the caller.
  void send_to(std::string payload, const endpoint& to);

  /// The bound address (with the kernel's port when bound to port 0).
  endpoint local_endpoint() const;

  /// Stops receiving and closes the socket.
  void close();

  std::uint64_t datagrams_received() const;
  std::uint64_t datagrams_sent() const;

private:
  explicit udp_socket(std::shared_ptr<impl> ptr);
  std::shared_ptr<impl> impl_;
};

} // namespace ivm::net
