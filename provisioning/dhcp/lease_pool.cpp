#include "provisioning/dhcp/lease_pool.hpp"

#include <algorithm>

namespace ivm::provisioning::dhcp {

lease_pool::lease_pool(const server_config& cfg)
  : first_(cfg.pool_first), last_(cfg.pool_last), mask_(cfg.subnet_mask),
    server_(cfg.server_address), lease_time_(cfg.lease_time),
    offer_hold_(cfg.offer_hold), decline_hold_(cfg.decline_hold),
    next_fresh_(cfg.pool_first.value()) {
  for (auto& r : cfg.reservations) {
    reserved_by_mac_[key(r.mac)] = r.address.value();
    reserved_by_address_[r.address.value()] = key(r.mac);
  }
}

std::uint64_t lease_pool::key(const mac_address& mac) {
  std::uint64_t result = 0;
  for (auto b : mac.bytes())
    result = (result << 8) | b;
  return result;
}

bool lease_pool::excluded(std::uint32_t address) const noexcept {
  auto net = first_.value() & mask_.value();
  auto bcast = net | ~mask_.value();
  return address == net || address == bcast || address == server_.value() ||
         !in_subnet(ipv4_address{address});
}

// -- restart ------------------------------------------------------------------

std::size_t lease_pool::load(const std::vector<lease>& records) {
  std::size_t kept = 0;
  for (auto& rec : records) {
    auto a = rec.address.value();
    if (excluded(a) ||
        (!in_range(rec.address) && reserved_by_address_.count(a) == 0))
      continue;
    auto current = by_mac_.find(key(rec.mac));
    bool index = true;
    if (current != by_mac_.end() && current->second != a) {
      auto& other = records_.at(current->second);
      index = other.expiry <= rec.expiry;
    }
    put(rec, index);
    ++kept;
  }
  return kept;
}

// -- queries ------------------------------------------------------------------

const lease* lease_pool::find(ipv4_address address) const {
  auto i = records_.find(address.value());
  return i != records_.end() ? &i->second : nullptr;
}

lease* lease_pool::find_mutable(ipv4_address address) {
  auto i = records_.find(address.value());
  return i != records_.end() ? &i->second : nullptr;
}

const lease* lease_pool::find(const mac_address& mac) const {
  auto i = by_mac_.find(key(mac));
  return i != by_mac_.end() ? find(ipv4_address{i->second}) : nullptr;
}

std::optional<ipv4_address>
lease_pool::reserved_for(const mac_address& mac) const {
  auto i = reserved_by_mac_.find(key(mac));
  if (i == reserved_by_mac_.end())
    return std::nullopt;
  return ipv4_address{i->second};
}

bool lease_pool::assignable(const mac_address& mac, ipv4_address address,
                            time_point now) const {
  auto a = address.value();
  if (excluded(a))
    return false;
  auto k = key(mac);
  auto own = reserved_by_mac_.find(k);
  if (own != reserved_by_mac_.end() && own->second != a)
    return false;
  auto r = reserved_by_address_.find(a);
  if (r != reserved_by_address_.end() ? r->second != k : !in_range(address))
    return false;
  auto rec = find(address);
  if (rec == nullptr)
    return true;
  switch (current_state(*rec, now)) {
    case lease_state::declined:
      return false;
    case lease_state::offered:
    case lease_state::bound:
      return rec->mac == mac;
    default:
      return true;
  }
}

std::optional<ipv4_address>
lease_pool::choose(const mac_address& mac,
                   std::optional<ipv4_address> requested,
                   time_point now) const {
  if (auto reserved = reserved_for(mac)) {
    if (assignable(mac, *reserved, now))
      return reserved;
    return std::nullopt;
  }
  if (auto rec = find(mac);
      rec != nullptr && assignable(mac, rec->address, now))
    return rec->address;
  if (requested && in_range(*requested) && assignable(mac, *requested, now))
    return requested;
  // Never handed out: records and exclusions below the cursor are skipped
  // once; the cursor stops at the address returned until it gets a record.
  for (; next_fresh_ <= last_.value(); ++next_fresh_) {
    auto a = static_cast<std::uint32_t>(next_fresh_);
    if (excluded(a) || records_.count(a) != 0 ||
        reserved_by_address_.count(a) != 0)
      continue;
    return ipv4_address{a};
  }
  // Least recently used: the lease that ended longest ago.
  for (auto& [expiry, a] : by_expiry_) {
    if (expiry > now)
      break;
    if (assignable(mac, ipv4_address{a}, now))
      return ipv4_address{a};
  }
  return std::nullopt;
}

std::vector<lease> lease_pool::snapshot() const {
  std::vector<lease> result;
  result.reserve(records_.size());
  for (auto& kv : records_)
    result.push_back(kv.second);
  std::sort(result.begin(), result.end(), [](const lease& x, const lease& y) {
    return x.address < y.address;
  });
  return result;
}

// -- changes ------------------------------------------------------------------

void lease_pool::put(const lease& rec, bool index_mac) {
  auto a = rec.address.value();
  auto i = records_.find(a);
  if (i != records_.end()) {
    by_expiry_.erase({i->second.expiry, a});
    auto old_mac = key(i->second.mac);
    if (auto j = by_mac_.find(old_mac); j != by_mac_.end() && j->second == a)
      by_mac_.erase(j);
    i->second = rec;
  } else {
    records_.emplace(a, rec);
  }
  by_expiry_.emplace(rec.expiry, a);
  if (index_mac && rec.state != lease_state::declined)
    by_mac_[key(rec.mac)] = a;
}

bool lease_pool::offer(const mac_address& mac, ipv4_address address,
                       time_point now) {
  if (!assignable(mac, address, now))
    return false;
  lease rec{address, mac, lease_state::expired, now};
  if (auto old = find(address)) {
    if (old->mac == mac && current_state(*old, now) == lease_state::bound)
      return true;
    rec = *old;
    rec.mac = mac;
  }
  if (!step(rec, lease_event::offer, now + offer_hold_, now))
    return false;
  // A MAC moving away from a running binding (its reservation changed)
  // keeps that binding indexed, so that `bind` releases it.
  auto current = find(mac);
  bool keep_index = current != nullptr && current->address != address &&
                    current_state(*current, now) == lease_state::bound;
  put(rec, !keep_index);
  return true;
}

std::vector<lease> lease_pool::bind(const mac_address& mac,
                                    ipv4_address address, time_point now) {
  if (!assignable(mac, address, now))
    return {};
  lease rec{address, mac, lease_state::expired, now};
  if (auto old = find(address)) {
    rec = *old;
    rec.mac = mac;
  }
  if (!step(rec, lease_event::bind, now + lease_time_, now))
    return {};
  std::vector<lease> changes;
  // The MAC's previous address, if it held another one, goes back.
  if (auto prev = find(mac); prev != nullptr && prev->address != address) {
    auto old = *prev;
    auto state = current_state(old, now);
    if (state == lease_state::bound &&
        step(old, lease_event::release, now, now)) {
      put(old, false);
      changes.push_back(old);
    } else if (state == lease_state::offered &&
               step(old, lease_event::forget, now, now)) {
      put(old, false);
    }
  }
  put(rec);
  changes.push_back(rec);
  return changes;
}

std::optional<lease> lease_pool::release(const mac_address& mac,
                                         ipv4_address address, time_point now) {
  auto rec = find_mutable(address);
  if (rec == nullptr || !(rec->mac == mac) ||
      current_state(*rec, now) != lease_state::bound)
    return std::nullopt;
  auto copy = *rec;
  if (!step(copy, lease_event::release, now, now))
    return std::nullopt;
  put(copy);
  return copy;
}

std::optional<lease> lease_pool::decline(const mac_address& mac,
                                         ipv4_address address, time_point now) {
  auto rec = find_mutable(address);
  if (rec == nullptr || !(rec->mac == mac))
    return std::nullopt;
  auto copy = *rec;
  if (!step(copy, lease_event::decline, now + decline_hold_, now))
    return std::nullopt;
  put(copy);
  return copy;
}

void lease_pool::forget(const mac_address& mac, time_point now) {
  auto rec = find(mac);
  if (rec == nullptr || current_state(*rec, now) != lease_state::offered)
    return;
  auto copy = *rec;
  if (step(copy, lease_event::forget, now, now))
    put(copy);
}

} // namespace ivm::provisioning::dhcp
