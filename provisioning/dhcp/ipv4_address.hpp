#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ivm::provisioning::dhcp {

/// An IPv4 address as a number in host byte order (10.0.0.1 is 0x0A000001),
/// so that pool ranges are plain integer ranges.
class ipv4_address {
public:
  constexpr ipv4_address() = default;

  constexpr explicit ipv4_address(std::uint32_t value) : value_(value) {
    // nop
  }

  static constexpr ipv4_address from_octets(std::uint8_t a, std::uint8_t b,
                                            std::uint8_t c, std::uint8_t d) {
    return ipv4_address{(std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) |
                        (std::uint32_t{c} << 8) | d};
  }

  /// 255.255.255.255, the limited broadcast address.
  static constexpr ipv4_address broadcast() {
    return ipv4_address{0xFFFFFFFFu};
  }

  /// Parses dotted-quad text ("192.0.2.1"); nullopt for anything else
  /// (no leading zeros beyond "0", no shorthand forms).
  static std::optional<ipv4_address> parse(std::string_view text);

  /// "192.0.2.1".
  std::string to_string() const;

  constexpr std::uint32_t value() const noexcept {
    return value_;
  }

  constexpr bool is_zero() const noexcept {
    return value_ == 0;
  }

  /// Returns true if this address and `other` share the network under `mask`.
  constexpr bool same_subnet(ipv4_address other,
                             ipv4_address mask) const noexcept {
    return (value_ & mask.value_) == (other.value_ & mask.value_);
  }

  friend constexpr bool operator==(ipv4_address x, ipv4_address y) {
    return x.value_ == y.value_;
  }

  friend constexpr bool operator!=(ipv4_address x, ipv4_address y) {
    return x.value_ != y.value_;
  }

  friend constexpr bool operator<(ipv4_address x, ipv4_address y) {
    return x.value_ < y.value_;
  }

  friend constexpr bool operator<=(ipv4_address x, ipv4_address y) {
    return x.value_ <= y.value_;
  }

private:
  std::uint32_t value_ = 0;
};

/// Returns true if `mask` is a contiguous netmask (ones, then zeros).
bool is_netmask(ipv4_address mask) noexcept;

} // namespace ivm::provisioning::dhcp

template <>
struct std::hash<ivm::provisioning::dhcp::ipv4_address> {
  std::size_t operator()(ivm::provisioning::dhcp::ipv4_address x) const {
    return std::hash<std::uint32_t>{}(x.value());
  }
};
