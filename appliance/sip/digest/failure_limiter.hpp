#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ivm::sip::digest {

/// Settings of a `failure_limiter`.
struct failure_limiter_config {
  /// Failures within `window` that start a ban.
  std::size_t max_failures = 5;
  /// Fixed window opened by the first failure of a source.
  std::chrono::seconds window{60};
  /// Ban length.
  std::chrono::seconds ban{300};
  /// Sources tracked at most; the least recently failed is forgotten first.
  std::size_t max_sources = 100000;
};

/// Bans a source (an address, or a user name) after repeated failed logins,
/// like Kamailio's pike module or fail2ban. Pure: the caller passes the time.
///
/// Usage: answer 403 (or drop) while `blocked(source, now)`; call
/// `failed` on every wrong password and `succeeded` after a good one.
///
/// Memory is bounded by `max_sources`. Beyond it the least recently failed
/// source is forgotten, banned or not: an attacker with more than
/// `max_sources` addresses can thus shorten bans; callers should key IPv6
/// sources by /64 prefix.
class failure_limiter {
public:
  using clock = std::chrono::system_clock;

  explicit failure_limiter(failure_limiter_config cfg = {});

  /// Returns whether `source` is banned at `now`.
  bool blocked(std::string_view source, clock::time_point now) const;

  /// Records a failure. Returns true when this failure started a ban, so
  /// that the caller logs it once. Failures of a banned source do not
  /// extend the ban.
  bool failed(std::string_view source, clock::time_point now);

  /// Forgets the failures of `source`. An active ban stays: a banned source
  /// should not have been able to try a password.
  void succeeded(std::string_view source);

  /// Number of sources tracked.
  std::size_t size() const noexcept {
    return index_.size();
  }

  const failure_limiter_config& config() const noexcept {
    return cfg_;
  }

private:
  struct entry {
    std::string source;
    std::size_t failures = 0;
    clock::time_point window_start;
    clock::time_point banned_until;
  };

  using entry_list = std::list<entry>;

  failure_limiter_config cfg_;
  /// Most recently failed first.
  entry_list lru_;
  std::unordered_map<std::string, entry_list::iterator> index_;
};

} // namespace ivm::sip::digest
