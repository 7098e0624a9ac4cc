#include "appliance/sip/digest/nonce_counter.hpp"

#include <algorithm>

namespace ivm::sip::digest {

nonce_counter::nonce_counter(std::size_t capacity)
  : capacity_(std::max<std::size_t>(capacity, 1)) {
  // nop
}

bool nonce_counter::accept(std::string_view nonce, std::uint32_t nc,
                           clock::time_point issued) {
  if (nc == 0)
    return false;
  std::string key{nonce};
  if (auto i = entries_.find(key); i != entries_.end()) {
    if (nc <= i->second.last_nc)
      return false;
    i->second.last_nc = nc;
    return true;
  }
  if (evicted_ && issued <= floor_)
    return false; // Possibly evicted: we no longer know its last nc.
  while (entries_.size() >= capacity_) {
    auto oldest = entries_.find(order_.front());
    if (!evicted_ || oldest->second.issued > floor_)
      floor_ = oldest->second.issued;
    evicted_ = true;
    entries_.erase(oldest);
    order_.pop_front();
  }
  entries_.emplace(key, entry{nc, issued});
  order_.push_back(std::move(key));
  return true;
}

} // namespace ivm::sip::digest
