#pragma once

#include <optional>
#include <string>

namespace ivm::admin {

/// A user as the admin API returns it (never with a password).
struct user {
  std::string extension;
  std::string username;
  std::string name;
  bool enabled = true;
  /// RFC 3339 UTC time, e.g. "2026-11-22T00:00:00Z"; may be empty.
  std::string created;
};

/// Body of `POST /api/v1/users`.
struct new_user {
  std::string extension;
  std::string name;
  std::string password;
  /// Defaults to the extension on the appliance when absent.
  std::optional<std::string> username;
  bool enabled = true;
};

/// Body of `PATCH /api/v1/users/{ext}`: only the members that are set.
struct user_update {
  std::optional<std::string> name;
  std::optional<std::string> password;
  std::optional<std::string> username;
  std::optional<bool> enabled;

  bool empty() const {
    return !name && !password && !username && !enabled;
  }
};

} // namespace ivm::admin
