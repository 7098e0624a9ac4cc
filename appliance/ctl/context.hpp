#pragma once

#include <iosfwd>
#include <string>

#include "console/client/fwd.hpp"

namespace ivm::ctl {

/// What every command needs: the API client, the output mode and where to
/// write. Commands never touch std::cout directly, so tests can capture.
struct context {
  admin::client& api;
  /// `--json`: print the API's JSON instead of tables and sentences.
  bool json;
  std::ostream& out;
  std::ostream& err;
};

/// Prints `err` as one line on `ctx.err` and returns the exit code: 1 for
/// an API answer, 2 when the appliance was not reached or did not speak the
/// admin API.
int report(const context& ctx, const admin::api_error& err);

/// Prints the API's JSON `body` (plus a newline, nothing when empty) under
/// `--json`, else `text` as it is. Returns `success`.
int print_result(const context& ctx, const std::string& body,
                 const std::string& text);

} // namespace ivm::ctl
