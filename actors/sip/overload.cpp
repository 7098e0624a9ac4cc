#include "actors/api/overload.hpp"

#include "appliance/sip/name_addr.hpp"

namespace ivm::actors {

bool too_late_to_start(const sip_inbound& in, std::chrono::milliseconds limit,
                       std::chrono::steady_clock::time_point now) {
  if (limit.count() <= 0 ||
      in.received == std::chrono::steady_clock::time_point{} ||
      now - in.received <= limit || in.msg.method == "CANCEL")
    return false;
  auto to = sip::parse_name_addr(in.msg.value_of("To"));
  return to && !to->tag();
}

} // namespace ivm::actors
