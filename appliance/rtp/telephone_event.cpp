#include "appliance/rtp/telephone_event.hpp"

#include <cctype>
#include <string>

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

namespace {

std::string_view trim(std::string_view v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front())))
    v.remove_prefix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back())))
    v.remove_suffix(1);
  return v;
}

std::string lower(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v)
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

} // namespace

std::optional<char> dtmf_of_info(std::string_view content_type,
                                 std::string_view body) {
  auto type = lower(trim(content_type));
  std::string_view value;
  if (type.rfind("application/dtmf-relay", 0) == 0) {
    // Lines "Signal=5" and "Duration=160", in any case and order.
    while (!body.empty()) {
      auto end = body.find_first_of("\r\n");
      auto line = body.substr(0, end);
      body = end == std::string_view::npos ? std::string_view{}
                                           : body.substr(end + 1);
      auto eq = line.find('=');
      if (eq != std::string_view::npos &&
          lower(trim(line.substr(0, eq))) == "signal") {
        value = trim(line.substr(eq + 1));
        break;
      }
    }
  } else if (type.rfind("application/dtmf", 0) == 0) {
    value = trim(body);
  } else {
    return std::nullopt;
  }
  if (value == "10")
    return '*';
  if (value == "11")
    return '#';
  if (value.size() != 1)
    return std::nullopt;
  auto c =
      static_cast<char>(std::toupper(static_cast<unsigned char>(value[0])));
  if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D'))
    return c;
  return std::nullopt;
}

} // namespace ivm::rtp
