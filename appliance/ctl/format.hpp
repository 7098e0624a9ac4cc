#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "console/client/fwd.hpp"

namespace ivm::ctl {

/// A table with a header row, columns padded to the widest cell and
/// separated by two spaces; no trailing blanks. Every row ends with '\n'.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

/// `user list`: columns EXT, USERNAME, NAME, ENABLED ("yes"/"no").
std::string format_users(const std::vector<admin::user>& users);

/// `user show`: one "key: value" line per member, values aligned.
std::string format_user(const admin::user& u);

/// `group list`: columns NAME, EXT, MEMBERS (comma-separated).
std::string format_groups(const std::vector<admin::group>& groups);

/// `group show`: one "key: value" line per member, values aligned.
std::string format_group(const admin::group& g);

/// Splits "201, 202,,203" into {"201","202","203"}: blanks trimmed, empty
/// items dropped, so "" means "no members".
std::vector<std::string> split_list(std::string_view text);

/// Joins with ",".
std::string join_list(const std::vector<std::string>& items);

} // namespace ivm::ctl
