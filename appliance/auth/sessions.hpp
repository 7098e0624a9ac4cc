#pragma once

// Session tokens of signed-in admins: random, kept only in memory (a
// restart signs everyone out), ended by sign-out, after 30 minutes unused
// or 12 hours after sign-in; at most `max_sessions` (the oldest ends).

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ivm::auth {

class session_table {
public:
  using clock = std::chrono::steady_clock;

  static constexpr std::chrono::minutes idle_limit{30};
  static constexpr std::chrono::hours absolute_limit{12};

  explicit session_table(std::size_t max_sessions = 256) : max_(max_sessions) {}

  /// A new session of `account`: its token (64 hex characters).
  std::string open(std::string account, clock::time_point now);

  /// The account of `token` if its session is alive (and marks it used).
  std::optional<std::string> use(std::string_view token, clock::time_point now);

  void close(std::string_view token);

  /// Ends every session of `account` (deleted, or its password changed).
  void close_all(std::string_view account);

  std::size_t size() const noexcept {
    return sessions_.size();
  }

private:
  struct session {
    std::string account;
    clock::time_point opened;
    clock::time_point used;
  };
  std::size_t max_;
  std::map<std::string, session, std::less<>> sessions_;
};

} // namespace ivm::auth
