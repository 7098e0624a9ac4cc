#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "provisioning/mac_address.hpp"
#include "provisioning/phone/file_kind.hpp"
#include "provisioning/phone/fwd.hpp"
#include "provisioning/phone/vendor.hpp"

namespace ivm::provisioning::phone {

/// What a phone asked for over TFTP or HTTP, read from the file name and the
/// HTTP User-Agent.
struct file_request {
  /// The name as matched: leading '/' and any "?query" removed, lower case.
  /// Empty when the name was refused (not a plain file name).
  std::string name;
  vendor vendor_id = vendor::unknown;
  file_kind kind = file_kind::unknown;
  /// The MAC the name carries (SEP001122AABBCC.cnf.xml, 001122aabbcc.cfg).
  std::optional<mac_address> mac;
  /// The MAC the User-Agent carries (Yealink, Polycom, Cisco 3PCC,
  /// Grandstream), which tells who asked even for a vendor-wide file.
  std::optional<mac_address> agent_mac;
  /// From the name (snom370.htm, cfggxp2170.xml) or the User-Agent.
  std::string model;
  /// Yealink's model code: "66" in y000000000066.cfg or in the User-Agent's
  /// firmware version 66.86.0.15.
  std::string model_code;
  /// From the User-Agent, when it tells.
  std::string firmware_version;

  /// Whether the name and the User-Agent name two different phones: a phone
  /// asking for another phone's file. A server should refuse per-device files
  /// in that case.
  bool mac_conflict() const noexcept {
    return mac && agent_mac && !(*mac == *agent_mac);
  }

  /// The MAC of the asking phone as far as known: the name's, else the
  /// User-Agent's.
  std::optional<mac_address> phone_mac() const {
    return mac ? mac : agent_mac;
  }
};

/// Classifies a requested file. `path` is the TFTP file name or the HTTP
/// request path (case-insensitive; leading '/' and a "?query" are ignored).
/// Only plain names are accepted: anything with '/', '\\', "..", '%', a
/// leading '.', other characters than letters, digits, '.', '-', '_', or
/// more than 128 characters is `file_kind::unknown` with nothing else set.
///
/// `<mac>.cfg` is both Polycom's per-phone master file and Yealink's
/// per-phone settings file. The vendor is taken, in this order, from the
/// User-Agent, from `hint` (the device record's vendor, when the server knows
/// the MAC), from the MAC's OUI; failing all three, the result has
/// `vendor::unknown` and `file_kind::device_config`: look the MAC up and
/// classify again with the device's vendor as `hint`.
file_request classify(std::string_view path, std::string_view user_agent = {},
                      vendor hint = vendor::unknown);

/// The name under which `vendor`'s phones ask for a file of `kind`:
/// per-device kinds use `mac`, Snom files and Grandstream's model file use
/// `model` ("snom370", "GXP2170"), the Yealink common file uses `model` as
/// its model code ("66"). Empty when the vendor has no such file or a needed
/// part is missing. `classify(file_name(...))` gives back vendor, kind and
/// MAC.
std::string file_name(vendor v, file_kind kind, const mac_address& mac,
                      std::string_view model = {});

} // namespace ivm::provisioning::phone
