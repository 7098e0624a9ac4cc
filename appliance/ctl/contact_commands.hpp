#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/ctl/context.hpp"

namespace ivm::ctl {

/// One entry of a user's contact list (`/api/v1/users/{ext}/contacts`).
struct contact {
  std::string extension;
  /// Empty when the API sent none.
  std::string display_name;
};

/// Someone who asked to (or may) watch the user's presence.
struct watcher {
  std::string extension;
  std::string display_name;
  /// "pending", "allowed" or "declined" (other values are shown as sent).
  std::string state;
};

/// Body of `GET /api/v1/users/{ext}/contacts`.
struct contact_lists {
  std::vector<contact> contacts;
  std::vector<watcher> watchers;
};

/// Reads `{"contacts":[...],"watchers":[...]}`; nullopt (with `why` set)
/// when the body is not that shape. A missing "watchers" reads as empty.
std::optional<contact_lists> parse_contact_lists(std::string_view body,
                                                 std::string& why);

/// Reads one contact entry `{"extension":"202","display_name":"Bob"}`.
std::optional<contact> parse_contact(std::string_view body, std::string& why);

/// `contacts list`: a CONTACTS table (EXT, NAME), then a WATCHERS table
/// (EXT, NAME, STATE); "(none)" for an empty list, "-" for no name.
std::string format_contact_lists(const std::string& owner,
                                 const contact_lists& lists);

// Each command returns the process exit code (see exit_code.hpp).

int contacts_list(const context& ctx, const std::string& extension);
int contacts_add(const context& ctx, const std::string& extension,
                 const std::string& other);
int contacts_remove(const context& ctx, const std::string& extension,
                    const std::string& other);

} // namespace ivm::ctl
