#pragma once

// A TLS client session (OpenSSL) over a connected non-blocking socket. The
// OpenSSL headers stay in tls_channel.cpp. Private to the client library.

#include <chrono>
#include <memory>
#include <string>

#include "appliance/common/expected.hpp"
#include "console/client/byte_stream.hpp"

namespace ivm::admin::detail {

class tls_channel : public byte_stream {
public:
  ~tls_channel() override;

  /// Runs the handshake on `fd` (not owned) with SNI and host name checks
  /// for `host`, TLS 1.2 or later, each wait bounded by `limit`. The
  /// certificate is not judged here: see ca_verified() and fingerprint().
  static expected<std::unique_ptr<tls_channel>, io_error>
  handshake(int fd, const std::string& host, std::chrono::milliseconds limit);

  /// SHA-256 of the server's leaf certificate (DER), 64 lowercase hex.
  const std::string& fingerprint() const noexcept;

  /// True when the server's chain verified against the system's CA store
  /// and names `host`.
  bool ca_verified() const noexcept;

  expected<std::size_t, io_error>
  write_some(const char* data, std::size_t size,
             std::chrono::milliseconds limit) override;

  expected<std::size_t, io_error>
  read_some(char* buf, std::size_t size,
            std::chrono::milliseconds limit) override;

private:
  struct impl;

  explicit tls_channel(std::unique_ptr<impl> p);

  std::unique_ptr<impl> impl_;
};

} // namespace ivm::admin::detail
