#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "provisioning/phone/file_kind.hpp"
#include "provisioning/phone/fwd.hpp"

namespace ivm::provisioning::phone {

/// One file the box generates for a phone, as it serves it.
struct generated_file {
  /// The name the phone asks for ("001565123456.cfg").
  std::string name;
  file_kind kind = file_kind::unknown;
  std::string content_type;
  std::string text;
};

/// The mask a secret value is replaced with.
inline constexpr std::string_view secret_mask = "********";

/// Every generated file a phone of `device.vendor_id` fetches: its own
/// file(s), rendered with `device`, and the vendor's common file(s),
/// rendered with `box` (only the box's fields), in the order the phone
/// asks for them. Kinds without a template are left out. A common file
/// whose name needs a model the record does not give (Yealink's model code)
/// is named with the vendor's placeholder ("y0000000000XX.cfg").
std::vector<generated_file> device_files(const device_config& device,
                                         const device_config& box,
                                         const templates& tpl);

/// The values of `cfg` that are secret (the device's SIP password), empty
/// ones left out.
std::vector<std::string> secrets_of(const device_config& cfg);

/// `text` with every occurrence of each secret replaced by `secret_mask`:
/// the value as is and as `format` escapes it (the form a template puts
/// into the file). Longer secrets are masked first.
std::string mask_secrets(std::string_view text,
                         std::vector<std::string> secrets, value_format format);

} // namespace ivm::provisioning::phone
