#pragma once

// Private to appliance/megaco: what the gateway session's units
// (gateway.cpp, gateway_requests.cpp) share.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <string_view>

#include "appliance/megaco/gateway.hpp"

namespace ivm::megaco::detail {

namespace fx = mgcp::line_effects;
namespace ev = mgcp::line_events;
using mgcp::gateway_phase;
using mgcp::line_phase;

/// The peer's name in the transaction tables (one gateway per session).
inline const std::string peer = "gw";

/// `now` (milliseconds of the steady clock) as the line machine's time.
inline std::chrono::steady_clock::time_point at(millis now) {
  return std::chrono::steady_clock::time_point{
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(now)};
}

/// ABNF tokens compare without regard to case.
inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

} // namespace ivm::megaco::detail
