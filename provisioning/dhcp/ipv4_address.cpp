#include "provisioning/dhcp/ipv4_address.hpp"

namespace ivm::provisioning::dhcp {

std::optional<ipv4_address> ipv4_address::parse(std::string_view text) {
  std::uint32_t result = 0;
  int octets = 0;
  std::size_t i = 0;
  while (octets < 4) {
    std::size_t start = i;
    std::uint32_t octet = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' &&
           i - start < 3) {
      octet = octet * 10 + static_cast<std::uint32_t>(text[i] - '0');
      ++i;
    }
    auto digits = i - start;
    if (digits == 0 || octet > 255 || (digits > 1 && text[start] == '0'))
      return std::nullopt;
    result = (result << 8) | octet;
    if (++octets < 4) {
      if (i >= text.size() || text[i] != '.')
        return std::nullopt;
      ++i;
    }
  }
  if (i != text.size())
    return std::nullopt;
  return ipv4_address{result};
}

std::string ipv4_address::to_string() const {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += std::to_string((value_ >> shift) & 0xFF);
    if (shift > 0)
      out += '.';
  }
  return out;
}

bool is_netmask(ipv4_address mask) noexcept {
  auto inverted = ~mask.value();
  // Contiguous ones followed by zeros: the inverted mask plus one is a power
  // of two (or zero for 0.0.0.0's inverse overflow).
  return (inverted & (inverted + 1)) == 0;
}

} // namespace ivm::provisioning::dhcp
