#include "provisioning/phone/escape.hpp"

#include "appliance/presence/xml_escape.hpp"

#include <cstdint>

namespace ivm::provisioning::phone {

namespace {

/// Length of the well-formed UTF-8 sequence starting at `pos`, or 0.
std::size_t utf8_length(std::string_view s, std::size_t pos) {
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(s[i]); };
  auto lead = byte(pos);
  std::size_t len = 0;
  std::uint32_t min = 0;
  std::uint32_t code = 0;
  if (lead < 0x80)
    return 1;
  if ((lead & 0xe0) == 0xc0) {
    len = 2, min = 0x80, code = lead & 0x1f;
  } else if ((lead & 0xf0) == 0xe0) {
    len = 3, min = 0x800, code = lead & 0x0f;
  } else if ((lead & 0xf8) == 0xf0) {
    len = 4, min = 0x10000, code = lead & 0x07;
  } else {
    return 0;
  }
  if (pos + len > s.size())
    return 0;
  for (std::size_t i = 1; i < len; ++i) {
    auto b = byte(pos + i);
    if ((b & 0xc0) != 0x80)
      return 0;
    code = (code << 6) | (b & 0x3f);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
  if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
    return 0;
  return len;
}

template <class OnAscii>
std::string transform(std::string_view value, OnAscii on_ascii) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t pos = 0; pos < value.size();) {
    auto len = utf8_length(value, pos);
    if (len == 0) {
      out += '?';
      ++pos;
    } else if (len == 1) {
      on_ascii(value[pos], out);
      ++pos;
    } else {
      out.append(value.substr(pos, len));
      pos += len;
    }
  }
  return out;
}

bool is_control(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

} // namespace

// The same escaping as the box's presence documents (invalid UTF-8 becomes
// U+FFFD there): one implementation for every XML the box writes.
std::string escape_xml(std::string_view value) {
  return presence::xml_escape(value);
}

std::string escape_key_value(std::string_view value) {
  return transform(value, [](char c, std::string& out) {
    if (!is_control(c))
      out += c;
  });
}

std::string escape(value_format format, std::string_view value) {
  return format == value_format::xml ? escape_xml(value)
                                     : escape_key_value(value);
}

} // namespace ivm::provisioning::phone
