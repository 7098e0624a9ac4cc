#pragma once

namespace ivm::ctl {

/// Process exit codes of ivmctl, stable for scripts.
enum exit_code : int {
  /// The command did what was asked.
  success = 0,
  /// The admin API answered with an error (400, 401, 404, 409, ...).
  api_failure = 1,
  /// Bad arguments, no admin.json, or the appliance cannot be reached.
  usage_or_unreachable = 2,
};

} // namespace ivm::ctl
