#include "appliance/net/arp_cache.hpp"

namespace ivm::net {

bool arp_cache::fresh(std::uint32_t address, const mac_bytes& mac,
                      clock_type::time_point now) const {
  auto i = entries_.find(address);
  return i != entries_.end() && i->second.mac == mac && now >= i->second.made &&
         now - i->second.made < ttl_;
}

void arp_cache::remember(std::uint32_t address, const mac_bytes& mac,
                         clock_type::time_point now) {
  if (entries_.size() >= capacity_ && entries_.count(address) == 0) {
    for (auto i = entries_.begin(); i != entries_.end();)
      i = now - i->second.made >= ttl_ ? entries_.erase(i) : std::next(i);
    if (entries_.size() >= capacity_)
      entries_.clear();
  }
  entries_[address] = entry{mac, now};
}

void arp_cache::forget(std::uint32_t address) {
  entries_.erase(address);
}

} // namespace ivm::net
