#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ivm::provisioning {

/// A phone's hardware address: the key of DHCP reservations and of the
/// per-phone configuration files served over TFTP/HTTP.
class mac_address {
public:
  using bytes_type = std::array<std::uint8_t, 6>;

  mac_address() = default;
  explicit mac_address(const bytes_type& bytes) : bytes_(bytes) {
    // nop
  }

  /// Parses the spellings admins paste from phone labels and switches:
  /// "00:11:22:aa:bb:cc", "00-11-22-AA-BB-CC", "0011.22aa.bbcc" (Cisco) and
  /// "001122AABBCC". Anything else is nullopt.
  static std::optional<mac_address> parse(std::string_view text);

  /// "00:11:22:aa:bb:cc".
  std::string to_string() const;

  /// "001122AABBCC", as in configuration file names (e.g. SEP001122AABBCC).
  std::string to_compact_upper() const;

  const bytes_type& bytes() const noexcept {
    return bytes_;
  }

  friend bool operator==(const mac_address& x, const mac_address& y) {
    return x.bytes_ == y.bytes_;
  }

private:
  bytes_type bytes_{};
};

} // namespace ivm::provisioning
