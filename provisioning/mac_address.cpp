#include "provisioning/mac_address.hpp"

#include <cctype>

namespace ivm::provisioning {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

} // namespace

std::optional<mac_address> mac_address::parse(std::string_view text) {
  std::string digits;
  char sep = 0;
  std::size_t group = 0;
  std::size_t group_len = 0;
  for (char c : text) {
    if (hex_value(c) >= 0) {
      digits += c;
      ++group_len;
      continue;
    }
    if (c != ':' && c != '-' && c != '.')
      return std::nullopt;
    if (sep != 0 && c != sep)
      return std::nullopt;
    sep = c;
    // "aa:bb" groups are 2 digits, Cisco's "aabb.ccdd" groups are 4.
    if (group_len != (c == '.' ? 4u : 2u))
      return std::nullopt;
    group_len = 0;
    ++group;
  }
  if (digits.size() != 12)
    return std::nullopt;
  if (sep != 0 && group_len != (sep == '.' ? 4u : 2u))
    return std::nullopt;
  if (sep != 0 && group != (sep == '.' ? 2u : 5u))
    return std::nullopt;
  bytes_type out{};
  for (std::size_t i = 0; i < 6; ++i)
    out[i] = static_cast<std::uint8_t>(hex_value(digits[2 * i]) * 16 +
                                       hex_value(digits[2 * i + 1]));
  return mac_address{out};
}

std::string mac_address::to_string() const {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 6; ++i) {
    if (i > 0)
      out += ':';
    out += hex[bytes_[i] >> 4];
    out += hex[bytes_[i] & 0xf];
  }
  return out;
}

std::string mac_address::to_compact_upper() const {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (auto b : bytes_) {
    out += hex[b >> 4];
    out += hex[b & 0xf];
  }
  return out;
}

} // namespace ivm::provisioning
