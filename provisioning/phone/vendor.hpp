#pragma once

#include <optional>
#include <string_view>

#include "provisioning/phone/fwd.hpp"

namespace ivm::provisioning::phone {

/// The phone makers whose configuration files the box generates.
enum class vendor : unsigned char {
  unknown,
  cisco,
  polycom,
  yealink,
  grandstream,
  snom,
};

/// All known vendors, `unknown` excluded.
inline constexpr vendor all_vendors[] = {vendor::cisco, vendor::polycom,
                                         vendor::yealink, vendor::grandstream,
                                         vendor::snom};

/// "cisco", "polycom", ... ("unknown" for `vendor::unknown`).
std::string_view to_string(vendor x) noexcept;

/// Inverse of `to_string` (case-insensitive); nullopt for anything else,
/// including "unknown".
std::optional<vendor> parse_vendor(std::string_view text) noexcept;

/// How values are written into this vendor's files, and therefore escaped:
/// XML for Cisco, Polycom, Grandstream and Snom, `key = value` lines for
/// Yealink.
value_format format_of(vendor x) noexcept;

/// The value of the `Event` header of the SIP NOTIFY that makes a registered
/// phone of this vendor fetch its configuration again. "check-sync" for
/// most; Yealink and Polycom also honour "check-sync;reboot=false", which
/// re-reads the files without a reboot when the changes allow it.
std::string_view check_sync_event(vendor x) noexcept;

} // namespace ivm::provisioning::phone
