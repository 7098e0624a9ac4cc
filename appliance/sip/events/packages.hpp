#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/sip/message.hpp"

namespace ivm::sip::events {

/// Expiry limits of one event package (RFC 6665 §4.2.1.1, RFC 3903 §6).
struct package_config {
  std::string name;
  std::uint32_t default_expires = 3600;
  std::uint32_t min_expires = 60;
  std::uint32_t max_expires = 7200;
};

/// The event packages the box serves. By default: presence, dialog,
/// presence.winfo and message-summary, each with a default of 3600 s.
struct events_config {
  std::vector<package_config> packages = default_packages();

  /// The package called `name` (case-sensitive, RFC 6665 §8.2.1), or null.
  const package_config* find(std::string_view name) const noexcept;

  /// The value of an Allow-Events header: every package, comma-separated.
  std::string allow_events() const;

  static std::vector<package_config> default_packages();
};

/// Why a requested expiry cannot be used as is.
struct expiry_choice {
  /// 0 means "remove / unsubscribe".
  std::uint32_t seconds = 0;
  /// Set when the request asked for less than the minimum: answer 423.
  bool too_brief = false;
  /// Set when the Expires header could not be parsed: answer 400.
  bool malformed = false;
};

/// The expiry a SUBSCRIBE or PUBLISH gets (RFC 6665 §4.2.1.1, RFC 3903 §6
/// step 5): absent -> the package default; 0 stays 0; below the minimum ->
/// `too_brief`; above the maximum -> the maximum.
expiry_choice choose_expiry(const message& request, const package_config& pkg);

/// A response to `request` with `code`, a To tag, and `headers`.
message
make_answer(const message& request, int code, std::string_view reason,
            std::string_view to_tag,
            std::vector<std::pair<std::string, std::string>> headers = {});

} // namespace ivm::sip::events
