#include "provisioning/dhcp/lease.hpp"

namespace ivm::provisioning::dhcp {

namespace {

constexpr std::string_view state_names[] = {"expired", "offered", "bound",
                                            "released", "declined"};

constexpr std::string_view event_names[] = {"offer",   "bind",   "release",
                                            "decline", "forget", "lapse"};

} // namespace

std::string_view to_string(lease_state x) {
  auto i = static_cast<std::size_t>(x);
  return i < lease_state_count ? state_names[i] : "unknown";
}

std::optional<lease_state> parse_lease_state(std::string_view text) {
  for (std::size_t i = 0; i < lease_state_count; ++i)
    if (state_names[i] == text)
      return static_cast<lease_state>(i);
  return std::nullopt;
}

std::string_view to_string(lease_event x) {
  auto i = static_cast<std::size_t>(x);
  return i < lease_event_count ? event_names[i] : "unknown";
}

lease_state current_state(const lease& x, time_point now) {
  switch (x.state) {
    case lease_state::offered:
    case lease_state::bound:
    case lease_state::declined:
      return x.expiry <= now ? lease_state::expired : x.state;
    default:
      return x.state;
  }
}

bool step(lease& x, lease_event event, time_point expiry, time_point now) {
  auto from = current_state(x, now);
  auto to = next_state(from, event);
  if (!to)
    return false;
  x.state = *to;
  x.expiry = expiry;
  return true;
}

} // namespace ivm::provisioning::dhcp
