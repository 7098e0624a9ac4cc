#pragma once

// A long-lived GET whose body arrives for as long as the server keeps the
// connection (the admin API's server-sent events): blocking, POSIX
// sockets, plain HTTP or HTTPS with the request/response transport's
// certificate pinning; a descriptor given by the caller ends it at once.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "console/client/endpoint.hpp"
#include "console/client/http_message.hpp"
#include "console/client/http_transport.hpp"

namespace ivm::admin {

/// Limits of a streamed response.
struct stream_limits {
  /// Time allowed to establish the TCP connection.
  std::chrono::milliseconds connect{5000};
  /// Longest silence of the server (the head, then between two reads)
  /// before the stream counts as dropped.
  std::chrono::milliseconds idle{10000};
};

/// How a stream ended.
struct stream_end {
  /// The response's status; 0 when there was none (`error` says why).
  int status = 0;
  /// Not 200: the response's body (e.g. the admin API's `{"error":...}`).
  std::string body;
  /// One line for the user: why the stream ended or could not start.
  std::string error;
  /// Ended because `cancel_fd` became readable.
  bool cancelled = false;
};

/// Sends `req` (which should say `Connection: close`) to `ep.host:ep.port`.
/// When the answer is 200, calls `on_open` once and then `on_data` with
/// each piece of the body as it arrives, until the server closes (error
/// "the box closed the stream"), stays silent for `limits.idle`, or
/// `cancel_fd` (-1: none) becomes readable. Another status reads the whole
/// answer and returns it without calling either. Chunked transfer coding is
/// not supported (the admin API sends the stream unframed).
///
/// With `ep.tls` the stream runs over TLS (OpenSSL), and the request is
/// written only once the server's certificate is trusted, as by exchange():
/// `ep.fingerprint`, else the system's CAs, else the pin store (a first use
/// pins and tells `notice`); a refusal is the error and nothing was sent.
/// The cancel descriptor is watched while connecting and while waiting
/// for the stream, not during the TLS handshake (bounded by
/// `limits.connect`).
stream_end open_stream(const endpoint& ep, const http_request& req,
                       const stream_limits& limits, int cancel_fd,
                       const std::function<void()>& on_open,
                       const std::function<void(std::string_view)>& on_data,
                       const notice_fn& notice = {});

/// Plain HTTP to `host:port`, as above.
stream_end open_stream(const std::string& host, std::uint16_t port,
                       const http_request& req, const stream_limits& limits,
                       int cancel_fd, const std::function<void()>& on_open,
                       const std::function<void(std::string_view)>& on_data);

} // namespace ivm::admin
