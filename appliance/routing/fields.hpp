#pragma once

// Private to appliance/routing: reading and writing the JSON fields the
// rules and the profile share (times, dates, days, destinations), with
// field errors thrown as `bad` and caught at the document's top.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "appliance/routing/rules.hpp"

namespace ivm::routing::fields {

using json = nlohmann::json;

extern const char* const day_names[7];

struct bad {
  field_error e;
};

[[noreturn]] void fail(std::string field, std::string message);

/// "HH:MM" -> minutes (24:00 allowed), and back.
std::optional<int> minutes_of(std::string_view s);
std::string hhmm(int minutes);
/// "HH:MM-HH:MM".
time_range range_of(const json& j, const std::string& field);
/// "YYYY-MM-DD" -> days since the epoch (checked), and back.
std::optional<std::int64_t> day_of(std::string_view s);
std::string date_text(std::int64_t days);
/// "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD", and back.
date_range dates_of(const json& j, const std::string& field);
std::string dates_text(const date_range& r);
/// "sun".."sat" -> 0..6.
int weekday_of(const json& j, const std::string& field);
/// A number or extension, or a destination name of the profile.
bool valid_to(std::string_view s);
/// `j` is an object with only `keys`.
void only(const json& j, const std::string& field,
          std::initializer_list<const char*> keys);

} // namespace ivm::routing::fields
