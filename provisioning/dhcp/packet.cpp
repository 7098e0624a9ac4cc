#include "provisioning/dhcp/packet.hpp"

#include <algorithm>

#include "provisioning/dhcp/bytes.hpp"

namespace ivm::provisioning::dhcp {

std::string_view to_string(message_type x) {
  switch (x) {
    case message_type::discover:
      return "DHCPDISCOVER";
    case message_type::offer:
      return "DHCPOFFER";
    case message_type::request:
      return "DHCPREQUEST";
    case message_type::decline:
      return "DHCPDECLINE";
    case message_type::ack:
      return "DHCPACK";
    case message_type::nak:
      return "DHCPNAK";
    case message_type::release:
      return "DHCPRELEASE";
    case message_type::inform:
      return "DHCPINFORM";
  }
  return "DHCP?";
}

std::optional<message_type> to_message_type(std::uint8_t value) {
  if (value < 1 || value > 8)
    return std::nullopt;
  return static_cast<message_type>(value);
}

const option* packet::find(std::uint8_t code) const noexcept {
  auto i = std::find_if(options.begin(), options.end(),
                        [code](const option& x) { return x.code == code; });
  return i != options.end() ? &*i : nullptr;
}

void packet::set(std::uint8_t code, bytes data) {
  for (auto& x : options)
    if (x.code == code) {
      x.data = std::move(data);
      return;
    }
  options.push_back(option{code, std::move(data)});
}

void packet::remove(std::uint8_t code) {
  options.erase(
      std::remove_if(options.begin(), options.end(),
                     [code](const option& x) { return x.code == code; }),
      options.end());
}

std::optional<message_type> packet::type() const {
  auto x = find(codes::message_type);
  if (x == nullptr || x->data.size() != 1)
    return std::nullopt;
  return to_message_type(x->data[0]);
}

std::optional<ipv4_address> packet::address_option(std::uint8_t code) const {
  auto x = find(code);
  if (x == nullptr || x->data.size() != 4)
    return std::nullopt;
  return ipv4_address{detail::read32(x->data.data())};
}

std::optional<std::uint32_t> packet::u32_option(std::uint8_t code) const {
  auto x = find(code);
  if (x == nullptr || x->data.size() != 4)
    return std::nullopt;
  return detail::read32(x->data.data());
}

std::string packet::text_option(std::uint8_t code) const {
  auto x = find(code);
  if (x == nullptr)
    return {};
  return std::string(x->data.begin(), x->data.end());
}

std::optional<mac_address> packet::mac() const {
  if (htype != 1 || hlen != 6)
    return std::nullopt;
  mac_address::bytes_type b;
  std::copy_n(chaddr.begin(), b.size(), b.begin());
  return mac_address{b};
}

void packet::set_mac(const mac_address& mac) {
  htype = 1;
  hlen = 6;
  chaddr.fill(0);
  std::copy(mac.bytes().begin(), mac.bytes().end(), chaddr.begin());
}

bool operator==(const packet& x, const packet& y) {
  return x.op == y.op && x.htype == y.htype && x.hlen == y.hlen &&
         x.hops == y.hops && x.xid == y.xid && x.secs == y.secs &&
         x.flags == y.flags && x.ciaddr == y.ciaddr && x.yiaddr == y.yiaddr &&
         x.siaddr == y.siaddr && x.giaddr == y.giaddr && x.chaddr == y.chaddr &&
         x.sname == y.sname && x.file == y.file && x.options == y.options;
}

} // namespace ivm::provisioning::dhcp
