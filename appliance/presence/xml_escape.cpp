#include "appliance/presence/xml_escape.hpp"

#include <cstdint>

namespace ivm::presence {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

// Length of the valid UTF-8 sequence at `pos` (0 if invalid), with its code
// point in `cp`. Rejects overlong forms, surrogates and values > U+10FFFF.
std::size_t utf8_sequence(std::string_view s, std::size_t pos,
                          std::uint32_t& cp) {
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(s[i]); };
  auto b0 = byte(pos);
  std::size_t len = 0;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  } else if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0Fu;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07u;
  } else {
    return 0;
  }
  if (pos + len > s.size())
    return 0;
  for (std::size_t i = 1; i < len; ++i) {
    auto b = byte(pos + i);
    if ((b & 0xC0u) != 0x80u)
      return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

bool is_control(std::uint32_t cp) {
  return cp < 0x20 || cp == 0x7F;
}

// Walks `text`, calling `ascii(c)` for bytes < 0x80 and appending valid
// non-ASCII characters (or U+FFFD) to `out` directly.
template <class F>
void walk_utf8(std::string_view text, std::string& out, F ascii) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::uint32_t cp = 0;
    auto len = utf8_sequence(text, pos, cp);
    if (len == 0) {
      out += replacement;
      ++pos;
    } else if (len == 1) {
      ascii(text[pos]);
      ++pos;
    } else {
      if (cp == 0xFFFE || cp == 0xFFFF)
        out += replacement;
      else
        out.append(text.substr(pos, len));
      pos += len;
    }
  }
}

} // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  walk_utf8(text, out, [&out](char c) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (!is_control(static_cast<unsigned char>(c)))
          out += c;
    }
  });
  return out;
}

std::string sanitize_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  walk_utf8(text, out, [&out](char c) {
    if (!is_control(static_cast<unsigned char>(c)))
      out += c;
  });
  return out;
}

std::string to_xml_id(std::string_view text) {
  auto is_alpha = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  };
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::string out;
  if (text.empty() || !(is_alpha(text.front()) || text.front() == '_'))
    out += '_';
  for (char c : text) {
    bool ok = is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  return out;
}

} // namespace ivm::presence
