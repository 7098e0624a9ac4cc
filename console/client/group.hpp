#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ivm::admin {

/// A group (hunt/broadcast list) as the admin API returns it.
struct group {
  std::string name;
  /// Empty when the group has no extension of its own.
  std::string extension;
  std::vector<std::string> members;
};

/// Body of `POST /api/v1/groups`.
struct new_group {
  std::string name;
  std::optional<std::string> extension;
  std::vector<std::string> members;
};

/// Body of `PATCH /api/v1/groups/{name}`: only the members that are set.
struct group_update {
  std::optional<std::vector<std::string>> members;
  std::optional<std::string> extension;

  bool empty() const {
    return !members && !extension;
  }
};

} // namespace ivm::admin
