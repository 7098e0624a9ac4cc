#pragma once

// One outgoing TCP connection (a CTI link to a PBX): connect with a time
// limit, optionally TLS (the server's certificate pinned by its SHA-256
// fingerprint, or reported for pinning), bytes in and out, closed once.
// Callbacks run on an I/O thread and must not block; after `on_close`
// nothing else comes. Thread-safe.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "appliance/net/endpoint.hpp"

namespace ivm::net {

class io_pool;

struct tcp_client_handlers {
  std::function<void()> on_open;
  std::function<void(std::string bytes)> on_data;
  /// The connection failed, was closed by the peer or by us; `reason` for
  /// the log ("connection refused", "closed by peer", "timed out").
  std::function<void(std::string reason)> on_close;
  /// TLS: the server's certificate, as "AB:CD:..." (SHA-256 of its DER),
  /// before `on_open`.
  std::function<void(std::string fingerprint)> on_certificate;
};

class tcp_client {
public:
  struct impl;

  /// Connects to `remote` (an IP address and port), giving up after
  /// `timeout`. With `tls`, TLS follows (the handshake within the same
  /// time); a non-empty `*tls` is the only certificate fingerprint accepted.
  static std::unique_ptr<tcp_client>
  connect(io_pool& pool, const endpoint& remote, tcp_client_handlers handlers,
          std::chrono::milliseconds timeout = std::chrono::seconds{10},
          std::size_t max_write_queue = 1 << 20,
          std::optional<std::string> tls = std::nullopt);

  ~tcp_client();

  /// Queues bytes (dropped unless open; a peer that does not read past the
  /// queue limit closes the connection).
  void send(std::string bytes);
  /// Closes now; `on_close` follows.
  void close();

private:
  explicit tcp_client(std::shared_ptr<impl> p);
  std::shared_ptr<impl> impl_;
};

} // namespace ivm::net
