#pragma once

// Private to appliance/net: conversions between our endpoint and Asio's.

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "appliance/net/endpoint.hpp"

namespace ivm::net::detail {

template <class AsioEndpoint>
AsioEndpoint to_asio(const endpoint& ep, boost::system::error_code& ec) {
  auto addr = boost::asio::ip::make_address(ep.host, ec);
  return AsioEndpoint{addr, ep.port};
}

template <class AsioEndpoint>
endpoint from_asio(const AsioEndpoint& ep) {
  auto addr = ep.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped())
    addr = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped,
                                            addr.to_v6());
  return endpoint{addr.to_string(), ep.port()};
}

/// Opens, binds and listens (SO_REUSEADDR, so a restart does not wait for
/// TIME_WAIT; two listeners still cannot share a port).
inline boost::system::error_code
listen(boost::asio::ip::tcp::acceptor& acceptor, const endpoint& local) {
  namespace asio = boost::asio;
  boost::system::error_code ec;
  auto ep = to_asio<asio::ip::tcp::endpoint>(local, ec);
  if (!ec)
    acceptor.open(ep.protocol(), ec);
  if (!ec)
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor.bind(ep, ec);
  if (!ec)
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  return ec;
}

} // namespace ivm::net::detail
