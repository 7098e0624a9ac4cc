#pragma once

// Private to appliance/net: conversions between our endpoint and Asio's.

#include <boost/asio/ip/address.hpp>

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

} // namespace ivm::net::detail
