#pragma once

// The transport's view of a connection: bytes in, bytes out, each wait
// bounded. A plain socket and a TLS session (tls_channel) implement it.
// Private to the client library.

#include <chrono>
#include <cstddef>
#include <string>

#include "appliance/common/expected.hpp"

namespace ivm::admin::detail {

/// Why a read or write did not happen.
struct io_error {
  /// The wait for the socket ran out (the caller names what it waited for).
  bool timed_out = false;
  /// The peer reset the connection (ECONNRESET).
  bool reset = false;
  /// One line for the user, when not timed out.
  std::string message;
};

class byte_stream {
public:
  virtual ~byte_stream() = default;

  /// Writes some of `data` (at least one byte), waiting at most `limit` for
  /// the socket to accept it.
  virtual expected<std::size_t, io_error>
  write_some(const char* data, std::size_t size,
             std::chrono::milliseconds limit) = 0;

  /// Reads up to `size` bytes (0: the peer closed), waiting at most `limit`.
  virtual expected<std::size_t, io_error>
  read_some(char* buf, std::size_t size, std::chrono::milliseconds limit) = 0;
};

/// Waits until `fd` is ready for `events` (poll); 0 on success, else an
/// errno value (ETIMEDOUT when `limit` passed).
int wait_for(int fd, short events, std::chrono::milliseconds limit);

} // namespace ivm::admin::detail
