#pragma once

// Private to appliance/main: reading `key = value` settings text, shared by
// settings.cpp and settings_provisioning.cpp.

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "appliance/main/settings.hpp"

namespace ivm::app::detail {

/// "key: text".
inline std::optional<config_error> err(std::string_view key, std::string text) {
  return config_error{std::string{key} + ": " + std::move(text)};
}

/// Reads an integer in [lo, hi] into `out`, or says why not.
template <class Int>
std::optional<config_error> to_int(std::string_view key, std::string_view v,
                                   Int lo, Int hi, Int& out) {
  Int x{};
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size() || x < lo ||
      x > hi)
    return err(key, "'" + std::string{v} + "' is not a number in " +
                        std::to_string(lo) + ".." + std::to_string(hi));
  out = x;
  return std::nullopt;
}

} // namespace ivm::app::detail
