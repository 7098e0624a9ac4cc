#pragma once

// Private to appliance/net.

#include <string>

#include <boost/asio/ssl/context.hpp>

#include "appliance/net/tls_context.hpp"

namespace ivm::net {

struct tls_context::impl {
  impl() : ctx(boost::asio::ssl::context::tls_server) {
    // nop
  }
  boost::asio::ssl::context ctx;
  std::string fingerprint;
};

} // namespace ivm::net
