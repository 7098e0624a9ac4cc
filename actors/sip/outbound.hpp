#pragma once

#include <memory>
#include <string>

#include "actors/api/sip.hpp"

namespace ivm::net {
class udp_socket;
class tcp_server;
} // namespace ivm::net

namespace ivm::actors {

/// Sends SIP bytes on a flow: a datagram from the UDP socket, or on the
/// TCP/TLS connection the flow names. Thread-safe; never blocks.
class sip_outbound {
public:
  sip_outbound(std::shared_ptr<net::udp_socket> udp,
               std::shared_ptr<net::tcp_server> tcp,
               std::shared_ptr<net::tcp_server> tls);

  /// Sends `bytes` to `dest` over the flow's transport (`dest` matters for
  /// UDP; streams use the flow's connection).
  void send(const sip_flow& flow, const net::endpoint& dest,
            std::string bytes) const;

  /// Closes the flow's connection (streams only).
  void close(const sip_flow& flow) const;

private:
  std::shared_ptr<net::udp_socket> udp_;
  std::shared_ptr<net::tcp_server> tcp_;
  std::shared_ptr<net::tcp_server> tls_;
};

} // namespace ivm::actors
