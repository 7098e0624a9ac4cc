#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "provisioning/mac_address.hpp"
#include "provisioning/phone/fwd.hpp"
#include "provisioning/phone/vendor.hpp"

namespace ivm::provisioning::phone {

/// What a phone tells about itself in its HTTP User-Agent.
struct agent_info {
  vendor vendor_id = vendor::unknown;
  /// "T46S", "VVX_411", "CP8845", "SPA504G", "GXP2170", "snom370".
  std::string model;
  /// "66.86.0.15"; for Yealink its first number is the model code of the
  /// y0000000000XX.cfg file name.
  std::string firmware_version;
  /// Yealink puts its MAC last, Polycom as "(SN:0004f2...)", Cisco 3PCC and
  /// SPA in parentheses, Grandstream after "DevId".
  std::optional<mac_address> mac;
};

/// Reads vendor, model, firmware version and MAC from User-Agents such as
/// "Yealink SIP-T46S 66.86.0.15 00:15:65:aa:bb:cc",
/// "FileTransport PolycomVVX-VVX_411-UA/6.3.1.1234 (SN:0004f2aabbcc)
/// Type/Application", "Cisco-CP8845/12.8.1", "Grandstream GXP2170 1.0.11.3"
/// and "Mozilla/4.0 (compatible; snom370-SIP 8.7.5.35 1.1.3-s)". What it
/// cannot read stays empty.
agent_info parse_user_agent(std::string_view user_agent);

/// The vendor an address block (OUI) belongs to, for the few blocks of the
/// supported vendors the box knows; nullopt otherwise.
std::optional<vendor> vendor_from_oui(const mac_address& mac) noexcept;

} // namespace ivm::provisioning::phone
