#pragma once

// Private to appliance/directory: the admin API's JSON answers and the
// validation rules shared by users, groups and devices.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "appliance/directory/directory.hpp"

namespace ivm::directory::detail {

using json = nlohmann::json;

admin_outcome reply(int status, const json& body);

/// `{"error": text, "field": field}` with `status`.
admin_outcome error(int status, std::string text, std::string field = {});

bool all_digits(std::string_view s);

/// 1 to 15 digits.
bool valid_extension(std::string_view s);

/// 1 to 64 of A-Z a-z 0-9 . _ -
bool valid_name_token(std::string_view s);

/// At most 128 characters, no control characters.
bool valid_display_name(std::string_view s);

/// Parses a JSON object body into `out`, refusing fields outside `allowed`.
std::optional<admin_outcome>
parse_body(std::string_view body, std::initializer_list<const char*> allowed,
           json& out);

/// Reads an optional string field; an error when present with another type.
std::optional<admin_outcome> get_string(const json& j, const char* field,
                                        std::optional<std::string>& out);

/// Reads an optional boolean field.
std::optional<admin_outcome> get_bool(const json& j, const char* field,
                                      std::optional<bool>& out);

} // namespace ivm::directory::detail
