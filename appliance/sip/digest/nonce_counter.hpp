#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ivm::sip::digest {

/// Replay protection by nonce count (RFC 7616 §3.3 "nc", §5.3; RFC 2617
/// §3.2.2): for each nonce, a request is accepted only if its nc is greater
/// than the last accepted one.
///
/// Memory is bounded: at most `capacity` nonces are tracked, the oldest
/// tracked (first seen) is evicted first. Eviction must not reopen a nonce to
/// replays, so the counter remembers the latest issue time among evicted
/// nonces (the "floor"): an untracked nonce issued at or before the floor is
/// rejected, whatever its nc. The caller then answers with a fresh challenge
/// and `stale=TRUE`, and the client retries without asking the user (the
/// same path as an expired nonce). Untracked nonces issued after the floor
/// were never seen and start being tracked.
class nonce_counter {
public:
  using clock = std::chrono::system_clock;

  static constexpr std::size_t default_capacity = 10000;

  explicit nonce_counter(std::size_t capacity = default_capacity);

  /// Returns whether the request with count `nc` on `nonce` (issued at
  /// `issued`, from `nonce_issuer::issued_at`) may proceed, and records it.
  /// nc 0 is never accepted (counts start at 1).
  bool accept(std::string_view nonce, std::uint32_t nc,
              clock::time_point issued);

  /// Number of nonces tracked.
  std::size_t size() const noexcept {
    return entries_.size();
  }

private:
  struct entry {
    std::uint32_t last_nc;
    clock::time_point issued;
  };

  std::size_t capacity_;
  std::unordered_map<std::string, entry> entries_;
  /// Tracked nonces in the order they were first seen.
  std::deque<std::string> order_;
  /// Latest issue time of an evicted nonce.
  clock::time_point floor_;
  bool evicted_ = false;
};

} // namespace ivm::sip::digest
