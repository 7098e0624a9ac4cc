#include "appliance/routing/fields.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace ivm::routing::fields {

const char* const day_names[7] = {"sun", "mon", "tue", "wed",
                                  "thu", "fri", "sat"};

[[noreturn]] void fail(std::string field, std::string message) {
  throw bad{field_error{std::move(field), std::move(message)}};
}

// "HH:MM" -> minutes; 24:00 allowed as the end of a day.
std::optional<int> minutes_of(std::string_view s) {
  if (s.size() != 5 || s[2] != ':' || !std::isdigit((unsigned char)s[0]) ||
      !std::isdigit((unsigned char)s[1]) ||
      !std::isdigit((unsigned char)s[3]) || !std::isdigit((unsigned char)s[4]))
    return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0))
    return std::nullopt;
  return h * 60 + m;
}

std::string hhmm(int minutes) {
  std::string out(5, '0');
  out[0] = static_cast<char>('0' + minutes / 600 % 10);
  out[1] = static_cast<char>('0' + minutes / 60 % 10);
  out[2] = ':';
  out[3] = static_cast<char>('0' + minutes % 60 / 10);
  out[4] = static_cast<char>('0' + minutes % 10);
  return out;
}

time_range range_of(const json& j, const std::string& field) {
  if (!j.is_string())
    fail(field, "a time range \"HH:MM-HH:MM\"");
  auto s = j.get<std::string>();
  auto from =
      s.size() == 11 && s[5] == '-' ? minutes_of(s.substr(0, 5)) : std::nullopt;
  auto to = from ? minutes_of(s.substr(6)) : std::nullopt;
  if (!from || !to || *from == 24 * 60 || *from == *to)
    fail(field, "a time range \"HH:MM-HH:MM\" (e.g. \"18:00-08:00\")");
  return time_range{*from, *to};
}

std::optional<std::int64_t> day_of(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-')
    return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i])))
      return std::nullopt;
  int y = std::stoi(std::string{s.substr(0, 4)});
  int m = std::stoi(std::string{s.substr(5, 2)});
  int d = std::stoi(std::string{s.substr(8, 2)});
  if (m < 1 || m > 12 || d < 1 || y < 1970)
    return std::nullopt;
  auto days = days_from_civil(y, m, d);
  int yy = 0, mm = 0, dd = 0;
  civil_from_days(days, yy, mm, dd);
  if (yy != y || mm != m || dd != d) // February 30th
    return std::nullopt;
  return days;
}

std::string date_text(std::int64_t days) {
  int y = 0, m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
  return buf;
}

date_range dates_of(const json& j, const std::string& field) {
  if (!j.is_string())
    fail(field, "a date \"YYYY-MM-DD\" or range \"YYYY-MM-DD..YYYY-MM-DD\"");
  auto s = j.get<std::string>();
  auto dots = s.find("..");
  auto from = day_of(s.substr(0, dots));
  auto to = dots == std::string::npos ? from : day_of(s.substr(dots + 2));
  if (!from || !to || *to < *from)
    fail(field, "a date \"YYYY-MM-DD\" or range \"YYYY-MM-DD..YYYY-MM-DD\"");
  return date_range{*from, *to};
}

std::string dates_text(const date_range& r) {
  return r.from_day == r.to_day
             ? date_text(r.from_day)
             : date_text(r.from_day) + ".." + date_text(r.to_day);
}

int weekday_of(const json& j, const std::string& field) {
  if (j.is_string())
    for (int d = 0; d < 7; ++d)
      if (j.get<std::string>() == day_names[d])
        return d;
  fail(field, "a day: sun, mon, tue, wed, thu, fri or sat");
}

// A destination: a number or extension (digits, '+' first, '*' and '#'), or
// the name of one of the profile's destinations.
bool valid_to(std::string_view s) {
  if (s.empty() || s.size() > 32)
    return false;
  if (std::isalpha(static_cast<unsigned char>(s[0])))
    return std::all_of(s.begin(), s.end(), [](char c) {
      return std::islower(static_cast<unsigned char>(c)) ||
             std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
             c == '_';
    });
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i])) && s[i] != '*' &&
        s[i] != '#' && !(i == 0 && s[i] == '+'))
      return false;
  return s != "+";
}

void only(const json& j, const std::string& field,
          std::initializer_list<const char*> keys) {
  if (!j.is_object())
    fail(field, "an object");
  for (auto& [k, v] : j.items())
    if (std::none_of(keys.begin(), keys.end(),
                     [&k = k](const char* x) { return k == x; }))
      fail(field.empty() ? k : field + "." + k, "unknown field");
}

} // namespace ivm::routing::fields
