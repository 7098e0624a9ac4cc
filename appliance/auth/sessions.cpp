#include "appliance/auth/sessions.hpp"

#include <algorithm>

#include "appliance/sip/digest/algorithm.hpp"

namespace ivm::auth {

std::string session_table::open(std::string account, clock::time_point now) {
  for (auto it = sessions_.begin(); it != sessions_.end();)
    it = now - it->second.used >= idle_limit ||
                 now - it->second.opened >= absolute_limit
             ? sessions_.erase(it)
             : std::next(it);
  while (sessions_.size() >= max_ && !sessions_.empty()) {
    auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](auto& x, auto& y) { return x.second.used < y.second.used; });
    sessions_.erase(oldest);
  }
  auto token = sip::digest::random_hex(32);
  sessions_[token] = session{std::move(account), now, now};
  return token;
}

std::optional<std::string> session_table::use(std::string_view token,
                                              clock::time_point now) {
  auto it = sessions_.find(token);
  if (it == sessions_.end())
    return std::nullopt;
  auto& s = it->second;
  if (now - s.used >= idle_limit || now - s.opened >= absolute_limit) {
    sessions_.erase(it);
    return std::nullopt;
  }
  s.used = now;
  return s.account;
}

void session_table::close(std::string_view token) {
  if (auto it = sessions_.find(token); it != sessions_.end())
    sessions_.erase(it);
}

void session_table::close_all(std::string_view account) {
  for (auto it = sessions_.begin(); it != sessions_.end();)
    it = it->second.account == account ? sessions_.erase(it) : std::next(it);
}

} // namespace ivm::auth
