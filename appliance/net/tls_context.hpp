#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "appliance/common/expected.hpp"

struct x509_st; // OpenSSL's X509

namespace ivm::net {

/// A certificate's SHA-256 fingerprint as "AB:CD:..." (of its DER form).
std::string certificate_fingerprint(x509_st* cert);

/// A server-side TLS configuration (certificate chain and private key),
/// shared by the connections of a `tcp_server`.
class tls_context {
public:
  struct impl;

  /// Loads a PEM certificate chain and private key; the message names the
  /// file and OpenSSL's reason on failure.
  static expected<std::shared_ptr<tls_context>, std::string>
  load(const std::filesystem::path& certificate,
       const std::filesystem::path& private_key);

  ~tls_context();

  impl& native() noexcept {
    return *impl_;
  }

  /// SHA-256 fingerprint of the certificate ("AB:CD:..."), for logs.
  const std::string& fingerprint() const noexcept;

private:
  explicit tls_context(std::unique_ptr<impl> ptr);
  std::unique_ptr<impl> impl_;
};

/// Creates a self-signed certificate (EC P-256, SHA-256, 10 years) for
/// `common_name`, with subject alternative names for it and 127.0.0.1, and
/// writes it and its key as PEM (the key with mode 0600). Existing files are
/// left alone: returns true if it created them.
expected<bool, std::string>
ensure_self_signed(const std::filesystem::path& certificate,
                   const std::filesystem::path& private_key,
                   const std::string& common_name);

} // namespace ivm::net
