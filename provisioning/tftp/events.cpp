#include "provisioning/tftp/events.hpp"

#include "provisioning/tftp/codec.hpp"

namespace ivm::provisioning::tftp {

std::optional<transfer_event> to_event(std::string_view datagram) {
  auto x = parse(datagram);
  if (!x)
    return std::nullopt;
  if (auto a = std::get_if<ack_packet>(&*x))
    return transfer_event{events::ack_received{a->block}};
  if (auto e = std::get_if<error_packet>(&*x))
    return transfer_event{
        events::error_received{e->code, std::move(e->message)}};
  return std::nullopt;
}

} // namespace ivm::provisioning::tftp
