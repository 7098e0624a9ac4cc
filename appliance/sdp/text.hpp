#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ivm::sdp::detail {

/// ASCII case-insensitive comparison.
bool iequals(std::string_view x, std::string_view y);

/// Splits on single spaces (RFC 4566 §5: fields are separated by exactly one
/// space; runs of spaces and tabs are tolerated here). At most `max` fields;
/// nullopt when there are more.
std::optional<std::vector<std::string_view>> split_fields(std::string_view s,
                                                          std::size_t max);

/// A decimal number of 1..`max_digits` digits, at most `max`.
std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t max,
                                        std::size_t max_digits = 20);

} // namespace ivm::sdp::detail
