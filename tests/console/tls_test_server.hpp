#pragma once

// A TLS server of the tests on loopback, for one connection: a self-signed
// certificate made with OpenSSL's APIs when it starts, the client's
// plaintext recorded, the given answer written in TLS records sent
// together (so that the client receives several at once).

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace ivm::test {

class tls_test_server {
public:
  /// Accepts one connection, completes the handshake, reads the request
  /// head, writes `parts` (one record each), then closes (or, `linger`,
  /// waits for the client to go). Nothing is written when the client sent
  /// nothing.
  explicit tls_test_server(std::vector<std::string> parts, bool linger = false);
  ~tls_test_server();

  tls_test_server(const tls_test_server&) = delete;
  tls_test_server& operator=(const tls_test_server&) = delete;

  std::uint16_t port() const {
    return port_;
  }

  /// SHA-256 of the certificate (DER), 64 lowercase hex digits.
  const std::string& fingerprint() const {
    return fingerprint_;
  }

  /// Waits until the connection is over; every byte the client wrote after
  /// the handshake.
  const std::string& received();

private:
  struct tls_state;

  void serve(std::vector<std::string> parts, bool linger);
  void join();

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::string fingerprint_;
  std::string received_;
  tls_state* tls_ = nullptr;
  std::thread thread_;
};

} // namespace ivm::test
