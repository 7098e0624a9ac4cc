#pragma once

#include <optional>
#include <string>

#include "appliance/common/expected.hpp"
#include "console/client/endpoint.hpp"

namespace ivm::ctl {

/// The global options, after CLI11 (including IVM_URL / IVM_TOKEN).
struct global_options {
  std::string data_dir = "./var";
  /// Empty: take it from `<data_dir>/admin.json`.
  std::string url;
  /// Empty: take it from `<data_dir>/admin.json`.
  std::string token;
  /// `--fingerprint` / IVM_ADMIN_FINGERPRINT: the SHA-256 the box's
  /// certificate must have (https:// only; skips the pin store).
  std::string fingerprint;
  bool json = false;
};

/// Decides where to connect: `--url`/`--token` (or their environment
/// variables) win; whatever is missing comes from `<data_dir>/admin.json`.
/// The error is one line that says what to fix.
expected<admin::endpoint, std::string>
resolve_endpoint(const global_options& opts);

/// Sets `ep.fingerprint` from `--fingerprint` (normalized); the error says
/// what is wrong with it.
std::optional<std::string> apply_fingerprint(admin::endpoint& ep,
                                             const std::string& fingerprint);

} // namespace ivm::ctl
