#include "appliance/sdp/text.hpp"

namespace ivm::sdp::detail {

namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

} // namespace

bool iequals(std::string_view x, std::string_view y) {
  if (x.size() != y.size())
    return false;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (lower(x[i]) != lower(y[i]))
      return false;
  return true;
}

std::optional<std::vector<std::string_view>> split_fields(std::string_view s,
                                                          std::size_t max) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_blank(s[i]))
      ++i;
    if (i == s.size())
      break;
    auto start = i;
    while (i < s.size() && !is_blank(s[i]))
      ++i;
    if (out.size() == max)
      return std::nullopt;
    out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t max,
                                        std::size_t max_digits) {
  if (s.empty() || s.size() > max_digits || s.size() > 19)
    return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > max)
    return std::nullopt;
  return v;
}

} // namespace ivm::sdp::detail
