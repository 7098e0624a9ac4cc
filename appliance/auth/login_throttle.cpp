#include "appliance/auth/login_throttle.hpp"

#include <algorithm>

namespace ivm::auth {

namespace {

std::string source_key(std::string_view s) {
  return "s:" + std::string{s};
}

std::string account_key(std::string_view a) {
  return "a:" + std::string{a};
}

} // namespace

std::optional<std::chrono::seconds>
login_throttle::wait_of(const std::string& key, clock::time_point now) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || now >= it->second.until ||
      now - it->second.last >= forget_after)
    return std::nullopt;
  auto left = std::chrono::ceil<std::chrono::seconds>(it->second.until - now);
  return std::max(left, std::chrono::seconds{1});
}

std::optional<std::chrono::seconds>
login_throttle::wait(std::string_view source, std::string_view account,
                     clock::time_point now) const {
  auto a = wait_of(source_key(source), now);
  auto b = wait_of(account_key(account), now);
  if (a && b)
    return std::max(*a, *b);
  return a ? a : b;
}

void login_throttle::fail(const std::string& key, clock::time_point now) {
  auto& e = entries_[key];
  if (e.failures > 0 && now - e.last >= forget_after)
    e = entry{};
  ++e.failures;
  e.last = now;
  if (e.failures >= free_failures) {
    auto shift = std::min(e.failures - free_failures, 10u);
    auto delay = std::min(std::chrono::seconds{1u << shift}, max_wait);
    e.until = now + delay;
  }
}

void login_throttle::failed(std::string_view source, std::string_view account,
                            clock::time_point now) {
  fail(source_key(source), now);
  fail(account_key(account), now);
  if (entries_.size() > max_entries_) {
    // Forget the stalest first.
    for (auto it = entries_.begin(); it != entries_.end();)
      it = now - it->second.last >= forget_after ? entries_.erase(it)
                                                 : std::next(it);
    while (entries_.size() > max_entries_) {
      auto oldest = std::min_element(
          entries_.begin(), entries_.end(),
          [](auto& x, auto& y) { return x.second.last < y.second.last; });
      entries_.erase(oldest);
    }
  }
}

void login_throttle::succeeded(std::string_view source,
                               std::string_view account) {
  entries_.erase(source_key(source));
  entries_.erase(account_key(account));
}

} // namespace ivm::auth
