#include "appliance/rtp/telephone_event.hpp"

namespace ivm::rtp {

expected<telephone_event, telephone_event_error>
parse_telephone_event(const std::uint8_t* data, std::size_t size) {
  if (data == nullptr || size < 4)
    return unexpected(telephone_event_error::too_short);
  telephone_event ev;
  ev.event = data[0];
  ev.end = (data[1] & 0x80) != 0;
  ev.volume = data[1] & 0x3F;
  ev.duration = static_cast<std::uint16_t>((data[2] << 8) | data[3]);
  return ev;
}

std::array<std::uint8_t, 4> serialize(const telephone_event& ev) {
  auto volume = ev.volume > 63 ? 63 : ev.volume;
  return {ev.event, static_cast<std::uint8_t>((ev.end ? 0x80 : 0) | volume),
          static_cast<std::uint8_t>(ev.duration >> 8),
          static_cast<std::uint8_t>(ev.duration)};
}

std::optional<char> dtmf_char(std::uint8_t event) {
  if (event <= 9)
    return static_cast<char>('0' + event);
  switch (event) {
    case 10:
      return '*';
    case 11:
      return '#';
    case 12:
    case 13:
    case 14:
    case 15:
      return static_cast<char>('A' + (event - 12));
    default:
      return std::nullopt;
  }
}

} // namespace ivm::rtp
