#pragma once

// Internal to the client library: JSON <-> value types. Only .cpp files of
// this library include it, so nlohmann stays out of the public headers.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "console/client/group.hpp"
#include "console/client/user.hpp"

namespace ivm::admin::detail {

nlohmann::json to_json(const new_user& x);
nlohmann::json to_json(const user_update& x);
nlohmann::json to_json(const new_group& x);
nlohmann::json to_json(const group_update& x);

/// Reads a user object; nullopt (with `why` set) when required members are
/// missing or have the wrong type.
std::optional<user> user_from_json(const nlohmann::json& j, std::string& why);

/// Reads a group object, like `user_from_json`.
std::optional<group> group_from_json(const nlohmann::json& j, std::string& why);

} // namespace ivm::admin::detail
