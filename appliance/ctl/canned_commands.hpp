#pragma once

// `ivmctl canned ...`: stored common replies (issue 17; /api/v1/canned and
// /api/v1/users/{ext}/canned), the box's list or a user's.

#include <string>
#include <vector>

#include "appliance/ctl/context.hpp"

namespace ivm::ctl {

/// The text `canned list` prints for a `{"replies":[...]}` body: numbered
/// as phones and the "canned" text command number them.
std::string format_canned(const std::string& body, std::size_t first = 1);

/// Shows the box's list (`user` empty) or a user's.
int canned_list(const context& ctx, const std::string& user);
/// Replaces the list with `texts` (none: clears it).
int canned_set(const context& ctx, const std::string& user,
               const std::vector<std::string>& texts);

} // namespace ivm::ctl
