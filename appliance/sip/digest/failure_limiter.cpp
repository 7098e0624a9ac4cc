#include "appliance/sip/digest/failure_limiter.hpp"

#include <algorithm>

namespace ivm::sip::digest {

failure_limiter::failure_limiter(failure_limiter_config cfg) : cfg_(cfg) {
  cfg_.max_failures = std::max<std::size_t>(cfg_.max_failures, 1);
  cfg_.max_sources = std::max<std::size_t>(cfg_.max_sources, 1);
}

bool failure_limiter::blocked(std::string_view source,
                              clock::time_point now) const {
  auto i = index_.find(std::string{source});
  return i != index_.end() && now < i->second->banned_until;
}

bool failure_limiter::failed(std::string_view source, clock::time_point now) {
  std::string key{source};
  auto i = index_.find(key);
  if (i == index_.end()) {
    while (lru_.size() >= cfg_.max_sources) {
      index_.erase(lru_.back().source);
      lru_.pop_back();
    }
    lru_.push_front(entry{key, 0, now, {}});
    i = index_.emplace(std::move(key), lru_.begin()).first;
  } else {
    lru_.splice(lru_.begin(), lru_, i->second);
  }
  auto& e = *i->second;
  if (now < e.banned_until)
    return false;
  if (e.failures == 0 || now - e.window_start >= cfg_.window) {
    e.failures = 0;
    e.window_start = now;
  }
  if (++e.failures < cfg_.max_failures)
    return false;
  e.failures = 0;
  e.banned_until = now + cfg_.ban;
  return true;
}

void failure_limiter::succeeded(std::string_view source) {
  auto i = index_.find(std::string{source});
  if (i == index_.end())
    return;
  auto& e = *i->second;
  if (e.banned_until != clock::time_point{}) {
    e.failures = 0; // Keep the ban (and the entry) until it runs out.
    return;
  }
  lru_.erase(i->second);
  index_.erase(i);
}

} // namespace ivm::sip::digest
