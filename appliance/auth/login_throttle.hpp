#pragma once

// Failed sign-ins slow the next ones down, per source address and per
// account: after the 5th failure in a row a wait that doubles with each
// further failure (1 s, 2 s, ... up to 15 min); 15 minutes without a failure
// forgets them. Bounded: the oldest entries go first beyond `max_entries`.

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ivm::auth {

class login_throttle {
public:
  using clock = std::chrono::steady_clock;

  explicit login_throttle(std::size_t max_entries = 10000)
    : max_entries_(max_entries) {}

  /// How long `source` / `account` must wait before trying again, or
  /// nullopt when they may try now.
  std::optional<std::chrono::seconds> wait(std::string_view source,
                                           std::string_view account,
                                           clock::time_point now) const;

  void failed(std::string_view source, std::string_view account,
              clock::time_point now);

  /// A success clears the account's failures and the source's.
  void succeeded(std::string_view source, std::string_view account);

  std::size_t size() const noexcept {
    return entries_.size();
  }

  static constexpr unsigned free_failures = 5;
  static constexpr std::chrono::seconds max_wait{900};
  static constexpr std::chrono::seconds forget_after{900};

private:
  struct entry {
    unsigned failures = 0;
    clock::time_point last;
    clock::time_point until;
  };
  std::optional<std::chrono::seconds> wait_of(const std::string& key,
                                              clock::time_point now) const;
  void fail(const std::string& key, clock::time_point now);

  std::size_t max_entries_;
  std::map<std::string, entry> entries_;
};

} // namespace ivm::auth
