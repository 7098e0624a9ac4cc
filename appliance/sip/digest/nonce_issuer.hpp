#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ivm::sip::digest {

/// Outcome of checking a nonce the client sent back.
enum class nonce_status {
  /// Issued by us and younger than the lifetime.
  valid,
  /// Issued by us but expired (or from the future after a clock step): the
  /// caller answers 401/407 with `stale=TRUE` and a fresh nonce (RFC 7616
  /// §3.3, RFC 3261 §22.4) so the client retries without asking the user.
  stale,
  /// Not ours: bad format or bad MAC. Never accepted.
  invalid,
};

/// Issues stateless nonces and checks them (RFC 7616 §3.3, "nonce").
///
/// A nonce is 64 lowercase hex digits encoding 32 bytes:
/// `timestamp (8, big-endian seconds since the epoch) || salt (8, random) ||
/// HMAC-SHA256(secret, timestamp || salt) truncated to 16`. The server keeps
/// no per-nonce state; the salt makes every nonce unique so that
/// `nonce_counter` can track nc per challenge. Hex only, so the nonce is safe
/// both in a quoted-string and in logs.
class nonce_issuer {
public:
  using clock = std::chrono::system_clock;

  static constexpr std::chrono::seconds default_lifetime{300};

  /// Uses a fresh random 32-byte secret: nonces do not survive a restart
  /// (clients then get `stale=TRUE` and retry transparently).
  nonce_issuer();

  /// Uses `secret` as the HMAC key, e.g. one shared by cluster nodes.
  explicit nonce_issuer(std::string secret,
                        std::chrono::seconds lifetime = default_lifetime);

  /// Returns a new nonce stamped with `now`.
  std::string make(clock::time_point now) const;

  /// Classifies `nonce` at time `now`.
  nonce_status check(std::string_view nonce, clock::time_point now) const;

  /// Returns the issue time of a nonce with a good MAC, whatever its age;
  /// nullopt for an invalid nonce. Feeds `nonce_counter::accept`.
  std::optional<clock::time_point> issued_at(std::string_view nonce) const;

  std::chrono::seconds lifetime() const noexcept {
    return lifetime_;
  }

private:
  std::string mac(std::string_view stamp_and_salt) const;

  std::string secret_;
  std::chrono::seconds lifetime_;
};

} // namespace ivm::sip::digest
