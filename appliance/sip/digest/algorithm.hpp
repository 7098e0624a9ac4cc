#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ivm::sip::digest {

/// Digest hash algorithms we accept (RFC 7616 §3.2, RFC 8760 §2.3). The
/// "-sess" variants are not supported.
enum class algorithm {
  md5,
  sha256,
};

/// Returns the wire name: "MD5" or "SHA-256".
std::string_view to_string(algorithm alg) noexcept;

/// Parses an `algorithm` parameter value, case-insensitively. An empty view
/// stands for an absent parameter and yields MD5 (RFC 2617 §3.2.1, RFC 3261
/// §22.4). Returns nullopt for anything else, including "MD5-sess" and
/// "SHA-256-sess".
std::optional<algorithm> parse_algorithm(std::string_view str) noexcept;

/// Returns the lowercase hex digest of `data` under `alg`.
std::string hash_hex(algorithm alg, std::string_view data);

/// Returns HA1 = H(username ":" realm ":" password) as lowercase hex
/// (RFC 7616 §3.4.2). Stores keep HA1 instead of the password.
std::string ha1(algorithm alg, std::string_view username,
                std::string_view realm, std::string_view password);

/// Returns `bytes` bytes from OpenSSL's CSPRNG as lowercase hex (twice as
/// many characters). Aborts the process if the generator fails: weak nonces
/// or secrets would be worse than stopping.
std::string random_hex(std::size_t bytes);

/// Returns `bytes` raw bytes from OpenSSL's CSPRNG (aborts on failure).
std::string random_bytes(std::size_t bytes);

/// Encodes `data` as lowercase hex.
std::string to_hex(std::string_view data);

} // namespace ivm::sip::digest
