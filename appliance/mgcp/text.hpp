#pragma once

// Small text helpers of the MGCP codec (private to appliance/mgcp).

#include <string_view>
#include <vector>

namespace ivm::mgcp::text {

/// Without the blanks (SP, HTAB) and line ends at both ends.
std::string_view trim(std::string_view s);

/// Equal without regard to ASCII case.
bool iequals(std::string_view a, std::string_view b);

/// The lines of `s`, each without its CRLF or LF.
std::vector<std::string_view> split_lines(std::string_view s);

/// The blank-separated words of a line.
std::vector<std::string_view> words(std::string_view line);

/// The comma-separated items of a list value, each trimmed; commas inside
/// parentheses or double quotes do not split. Empty when the list is
/// malformed (unbalanced parentheses or quotes) and `ok` is then false.
std::vector<std::string_view> split_list(std::string_view s, bool& ok);

} // namespace ivm::mgcp::text
