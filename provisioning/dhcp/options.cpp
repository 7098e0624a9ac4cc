#include "provisioning/dhcp/options.hpp"

#include "provisioning/dhcp/bytes.hpp"

namespace ivm::provisioning::dhcp {

bytes encode_address(ipv4_address x) {
  bytes out;
  detail::put32(out, x.value());
  return out;
}

bytes encode_addresses(const std::vector<ipv4_address>& xs) {
  bytes out;
  out.reserve(xs.size() * 4);
  for (auto x : xs)
    detail::put32(out, x.value());
  return out;
}

bytes encode_u32(std::uint32_t x) {
  bytes out;
  detail::put32(out, x);
  return out;
}

bytes encode_u16(std::uint16_t x) {
  bytes out;
  detail::put16(out, x);
  return out;
}

bytes encode_text(std::string_view text) {
  return bytes(text.begin(), text.end());
}

std::optional<bytes> encode_dns_name(std::string_view name) {
  if (!name.empty() && name.back() == '.')
    name.remove_suffix(1);
  if (name.empty())
    return std::nullopt;
  bytes out;
  while (true) {
    auto dot = name.find('.');
    auto label = name.substr(0, dot);
    if (label.empty() || label.size() > 63)
      return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
    if (dot == std::string_view::npos)
      break;
    name.remove_prefix(dot + 1);
  }
  out.push_back(0);
  if (out.size() > 255)
    return std::nullopt;
  return out;
}

std::optional<bytes> encode_sip_servers(const sip_servers& x) {
  bytes out;
  if (!x.names.empty()) {
    out.push_back(0);
    for (auto& name : x.names) {
      auto wire = encode_dns_name(name);
      if (!wire)
        return std::nullopt;
      out.insert(out.end(), wire->begin(), wire->end());
    }
    return out;
  }
  if (x.addresses.empty())
    return std::nullopt;
  out.push_back(1);
  auto addrs = encode_addresses(x.addresses);
  out.insert(out.end(), addrs.begin(), addrs.end());
  return out;
}

std::optional<std::vector<ipv4_address>> decode_addresses(const bytes& x) {
  if (x.empty() || x.size() % 4 != 0)
    return std::nullopt;
  std::vector<ipv4_address> out;
  for (std::size_t i = 0; i < x.size(); i += 4)
    out.emplace_back(detail::read32(x.data() + i));
  return out;
}

std::optional<std::uint32_t> decode_u32(const bytes& x) {
  if (x.size() != 4)
    return std::nullopt;
  return detail::read32(x.data());
}

std::optional<sip_servers> decode_sip_servers(const bytes& x) {
  if (x.size() < 2)
    return std::nullopt;
  sip_servers out;
  if (x[0] == 1) {
    bytes rest(x.begin() + 1, x.end());
    auto addrs = decode_addresses(rest);
    if (!addrs)
      return std::nullopt;
    out.addresses = std::move(*addrs);
    return out;
  }
  if (x[0] != 0)
    return std::nullopt;
  std::size_t i = 1;
  while (i < x.size()) {
    std::string name;
    while (true) {
      if (i >= x.size())
        return std::nullopt;
      std::size_t len = x[i++];
      if (len == 0)
        break;
      if (len > 63 || len > x.size() - i) // also rejects pointers (0xC0)
        return std::nullopt;
      if (!name.empty())
        name += '.';
      name.append(x.begin() + static_cast<long>(i),
                  x.begin() + static_cast<long>(i + len));
      i += len;
    }
    if (name.empty())
      return std::nullopt;
    out.names.push_back(std::move(name));
  }
  return out;
}

std::optional<std::vector<option>> decode_relay_agent_info(const bytes& x) {
  std::vector<option> out;
  std::size_t i = 0;
  while (i < x.size()) {
    if (i + 1 >= x.size())
      return std::nullopt;
    std::size_t len = x[i + 1];
    if (len > x.size() - i - 2)
      return std::nullopt;
    out.push_back(
        option{x[i], bytes(x.begin() + static_cast<long>(i + 2),
                           x.begin() + static_cast<long>(i + 2 + len))});
    i += 2 + len;
  }
  return out;
}

} // namespace ivm::provisioning::dhcp
