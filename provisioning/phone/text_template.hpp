#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "provisioning/phone/escape.hpp"
#include "provisioning/phone/fwd.hpp"

namespace ivm::provisioning::phone {

/// The values a template is rendered with: named strings, and named lists
/// whose items are again sets of named strings (e.g. `line_keys`).
struct template_data {
  std::map<std::string, std::string> values;
  std::map<std::string, std::vector<template_data>> lists;
};

/// The names a template may use: the top-level values, and per list the
/// names of its items' values.
struct template_schema {
  std::set<std::string> values;
  std::map<std::string, std::set<std::string>> lists;

  /// The names `data` has (for a list, the union over its items).
  static template_schema of(const template_data& data);
};

/// Why a template was refused. `line` and `column` are 1-based positions in
/// the template text (0 when the problem is not at one place).
struct template_error {
  std::size_t line = 0;
  std::size_t column = 0;
  std::string message;

  /// "line 3, column 14: unknown variable 'pasword'".
  std::string to_string() const;
};

/// A parsed template: text with `{{name}}` substitutions and sections.
///
/// Syntax (a small subset of Mustache):
/// - `{{name}}` inserts a value, escaped for the file's `value_format`.
/// - `{{#list}}...{{/list}}` repeats its body once per item of a list; inside,
///   the item's names are visible besides the top-level ones.
/// - `{{#name}}...{{/name}}` on a value renders its body once when the value
///   is not empty; `{{^name}}...{{/name}}` when it is empty (or the list has
///   no items).
/// - `{{! comment }}` renders nothing.
/// A section or comment tag alone on its line takes the whole line with it,
/// so sections do not leave blank lines behind. Names are `[a-z0-9_]+`.
class text_template {
public:
  text_template() = default;

  /// Parses `text`, checking every name against `schema`: unknown names,
  /// lists used as values, unbalanced or crossed sections and unterminated
  /// tags are errors.
  static expected<text_template, template_error>
  parse(std::string_view text, const template_schema& schema);

  /// Renders with `data`; every inserted value goes through `escape(format)`.
  /// A name missing from `data` renders as empty.
  std::string render(const template_data& data, value_format format) const;

  // -- implementation details, public for the parser --------------------------

  struct node {
    enum class type : unsigned char { text, value, section, inverted };
    type what = type::text;
    /// The text for `text` nodes, the name otherwise.
    std::string content;
    /// The body of a section.
    std::vector<node> children;
  };

private:
  std::vector<node> nodes_;
};

} // namespace ivm::provisioning::phone
