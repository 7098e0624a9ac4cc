#include "actors/client/queue_tally.hpp"

namespace ivm::actors {

void queue_tally::set(const std::string& user, std::size_t depth,
                      std::uint64_t oldest_s) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto it = by_user_.find(user);
  if (it != by_user_.end())
    total_ -= it->second.depth;
  if (depth == 0) {
    if (it != by_user_.end())
      by_user_.erase(it);
    return;
  }
  total_ += depth;
  by_user_[user] = entry{depth, oldest_s};
}

std::size_t queue_tally::waiting() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return total_;
}

std::uint64_t queue_tally::oldest_s() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::uint64_t oldest = 0;
  for (auto& [user, e] : by_user_)
    if (oldest == 0 || (e.oldest_s != 0 && e.oldest_s < oldest))
      oldest = e.oldest_s;
  return oldest;
}

} // namespace ivm::actors
