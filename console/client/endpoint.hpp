#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "appliance/common/expected.hpp"

namespace ivm::admin {

/// Where the admin API listens and the bearer token it expects.
struct endpoint {
  /// Host name or address, without brackets for IPv6 literals.
  std::string host;
  std::uint16_t port = 80;
  /// Path prefix before `/api/v1`, without a trailing slash (usually empty).
  std::string base_path;
  std::string token;
  /// The URL as given, for messages.
  std::string url;
  /// `https://`: TLS, the box's certificate checked against a pin.
  bool tls = false;
  /// An explicit SHA-256 pin of the server's certificate (64 lowercase hex
  /// digits, see normalize_fingerprint); when set, the pin store is skipped.
  std::string fingerprint;
  /// The pin store (`host:port sha256-hex` lines); empty: default_pin_file().
  std::string pin_file;
};

/// Splits `http://host[:port][/prefix]` or `https://...` (default port 443,
/// `tls` set) into an endpoint (token left empty).
expected<endpoint, std::string> parse_url(std::string_view url);

/// The contents of `<data_dir>/admin.json`, written by the appliance at
/// every start.
struct admin_file {
  std::string url;
  std::string token;
};

/// Reads and validates an admin.json file. Errors name the path.
expected<admin_file, std::string> load_admin_file(const std::string& path);

/// True when `token` can go into an `Authorization` header unchanged
/// (visible ASCII only, no spaces or control characters).
bool is_valid_token(std::string_view token);

/// Percent-encodes one path segment (RFC 3986 section 3.3): everything but
/// unreserved characters becomes `%XX`.
std::string encode_path_segment(std::string_view segment);

} // namespace ivm::admin
