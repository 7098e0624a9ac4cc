#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ivm::console {

/// What the console's status panel shows, read from the admin API's
/// `GET /health`. Kept free of ImGui so it is tested without a display.
struct health_view {
  bool reachable = false;
  bool ok = false;
  std::string version;
  std::uint64_t uptime_s = 0;
  std::string storage;
  /// One line for the status bar, e.g. "ok · v0.1.0 · up 1d 02:03:04".
  std::string summary;
  /// False on a fresh box until its first admin account exists (boxes
  /// that do not say are taken as configured).
  bool configured = true;
};

/// Builds the view from a /health response (status code and JSON body). A
/// body that is not the expected JSON yields `reachable` with `ok` false and
/// a summary that says what is wrong.
health_view make_health_view(int status, std::string_view body);

/// "1d 02:03:04", "02:03:04".
std::string format_uptime(std::uint64_t seconds);

} // namespace ivm::console
