#pragma once

// The Groups page's data and forms: groups as the admin API lists them
// (GET /api/v1/groups), a member list typed as "201, 202", the forms of
// the page. Plain structs and pure functions, no ImGui.

#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "console/model/views.hpp"

namespace ivm::console {

struct group_row {
  std::string name;
  /// Empty: the group has no number of its own.
  std::string extension;
  std::vector<std::string> members;
};

/// What the Groups page's fields hold.
struct group_forms {
  /// -- a new group
  std::string name;
  std::string extension;
  std::string members; ///< "201, 202"
  /// -- the chosen group
  std::string selected;
  std::string member;        ///< to add or remove
  std::string new_extension; ///< empty: none
  /// The group whose deletion waits for a yes (empty: none).
  std::string confirm_delete;
  /// A group asked for: once listed, its member field takes the keys.
  std::string created;
  /// The page moves the keyboard to the member field (then clears it).
  bool focus_member = false;
};

expected<std::vector<group_row>, std::string>
parse_groups(std::string_view body);

/// "201, 202,,203 " -> {201, 202, 203}: blanks and empty items dropped,
/// repeats kept once; an item that is not digits is an error naming it.
expected<std::vector<std::string>, std::string>
parse_member_list(std::string_view text);

/// "201 Alice, 202 Bob" given the users' names (an unknown one: its
/// extension alone); "-" for none.
std::string describe_members(const std::vector<std::string>& members,
                             const std::vector<user_row>& users);

} // namespace ivm::console
