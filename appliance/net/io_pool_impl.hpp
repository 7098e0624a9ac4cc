#pragma once

// Private to appliance/net: includes Boost.Asio.

#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "appliance/net/endpoint.hpp"

namespace ivm::net::detail {

struct io_pool_impl {
  boost::asio::io_context ctx;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type>
      guard{ctx.get_executor()};
  std::vector<std::thread> threads;
  std::size_t size = 1;
};

} // namespace ivm::net::detail
