#pragma once

#include <cstddef>
#include <memory>

namespace ivm::net {

namespace detail {
struct io_pool_impl;
} // namespace detail

/// Owns the Asio io_context and the I/O threads that run it. Every socket of
/// the process lives on one pool; actors never touch Asio directly.
class io_pool {
public:
  explicit io_pool(std::size_t threads = 1);
  ~io_pool();

  io_pool(const io_pool&) = delete;
  io_pool& operator=(const io_pool&) = delete;

  /// Starts the I/O threads (idempotent).
  void start();

  /// Stops the threads and joins them; pending handlers are dropped.
  void stop();

  /// For the sockets of this library only.
  detail::io_pool_impl& impl() noexcept {
    return *impl_;
  }

private:
  std::unique_ptr<detail::io_pool_impl> impl_;
};

} // namespace ivm::net
