#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "appliance/common/expected.hpp"
#include "console/client/fwd.hpp"
#include "console/client/http_message.hpp"

namespace ivm::admin {

/// Limits for one request/response exchange.
struct timeouts {
  /// Time allowed to establish the TCP connection (and the TLS handshake).
  std::chrono::milliseconds connect{10000};
  /// Longest wait for the socket to become writable or readable.
  std::chrono::milliseconds io{10000};
};

/// Receives one-line notices for the user, e.g. "first connection to
/// 192.0.2.1:8443: pinned certificate SHA-256 AA:BB:...".
using notice_fn = std::function<void(const std::string&)>;

/// Sends `req` over a fresh TCP connection to `host:port` (blocking, POSIX
/// sockets, `Connection: close`) and reads the whole response. Errors are
/// one line for the user, e.g. "connection refused" or "timed out after
/// 10 s waiting for the response".
expected<http_response, std::string> exchange(const std::string& host,
                                              std::uint16_t port,
                                              const http_request& req,
                                              const timeouts& limits);

/// As above, to `ep.host:ep.port`; with `ep.tls` over TLS (OpenSSL), the
/// request written only once the server's certificate is trusted: it
/// equals `ep.fingerprint` when set, else it verifies against the system's
/// CAs for the host name, else its SHA-256 matches the pin store (the first
/// connection records it and reports that to `notice`).
expected<http_response, std::string> exchange(const endpoint& ep,
                                              const http_request& req,
                                              const timeouts& limits,
                                              const notice_fn& notice = {});

} // namespace ivm::admin
