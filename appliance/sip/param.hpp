#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ivm::sip {

/// A `;name[=value]` parameter of a URI or a header value. Header parameter
/// values given as quoted-strings are stored unquoted and unescaped; URI
/// parameters are stored raw (with their %-escapes).
struct param {
  std::string name;
  std::string value;
  bool has_value = false;
  bool quoted = false;
};

/// Parameter list in order of appearance.
using param_list = std::vector<param>;

/// Returns the first parameter called `name` (case-insensitive) or null.
const param* find_param(const param_list& params,
                        std::string_view name) noexcept;

/// Returns the value of parameter `name`, or nullopt when absent. A flag
/// parameter yields an empty value.
std::optional<std::string_view> param_value(const param_list& params,
                                            std::string_view name) noexcept;

} // namespace ivm::sip
