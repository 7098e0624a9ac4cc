#pragma once

#include <string>

namespace ivm::admin {

/// Why an admin API call did not succeed.
struct api_error {
  enum class kind {
    /// No HTTP answer: connection refused, timeout, name lookup failed.
    unreachable,
    /// An answer that is not the admin API's (not HTTP, not the JSON shape).
    bad_response,
    /// The API answered with an error status and `{"error": ...}`.
    rejected,
  };

  kind what = kind::unreachable;
  /// HTTP status for `rejected` and `bad_response`, 0 otherwise.
  int status = 0;
  /// Human-readable text (the API's `error` member when it sent one).
  std::string message;
  /// The request field the API blamed, if any.
  std::string field;
};

/// One line for the user, e.g. "extension already exists (field:
/// extension)" or "HTTP 500: internal error".
std::string to_string(const api_error& err);

} // namespace ivm::admin
