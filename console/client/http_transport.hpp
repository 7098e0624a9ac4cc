#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "appliance/common/expected.hpp"
#include "console/client/http_message.hpp"

namespace ivm::admin {

/// Limits for one request/response exchange.
struct timeouts {
  /// Time allowed to establish the TCP connection.
  std::chrono::milliseconds connect{10000};
  /// Longest wait for the socket to become writable or readable.
  std::chrono::milliseconds io{10000};
};

/// Sends `req` over a fresh TCP connection to `host:port` (blocking, POSIX
/// sockets, `Connection: close`) and reads the whole response. Errors are
/// one line for the user, e.g. "connection refused" or "timed out after
/// 10 s waiting for the response".
expected<http_response, std::string> exchange(const std::string& host,
                                              std::uint16_t port,
                                              const http_request& req,
                                              const timeouts& limits);

} // namespace ivm::admin
