#pragma once

// ECMA-323 (CSTA Phase III in XML) documents as a plain element tree: names
// without namespace prefixes, text, children. Input in any edition (ed2 to
// ed6 namespaces, a default or a prefixed namespace, or none); output in the
// edition configured for the link. pugixml stays inside xml.cpp. Pure.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::csta {

enum class edition { none, ed2, ed3, ed4, ed5, ed6 };

/// "ed4" -> edition::ed4; nothing for anything else.
std::optional<edition> edition_of(std::string_view name);
std::string_view to_string(edition e);
/// The ECMA-323 namespace of `e` (empty for none).
std::string_view namespace_of(edition e);

struct element {
  std::string name; ///< local name, prefix stripped
  std::string text; ///< character data, trimmed
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<element> children;

  /// The first child named `name`, or null.
  const element* child(std::string_view name) const;
  /// Text of the element at `path` ("connection/callID"), empty if absent.
  std::string text_at(std::string_view path) const;
  const element* at(std::string_view path) const;
  /// Appends a child with text and returns it.
  element& add(std::string name, std::string text = {});
};

struct document {
  edition ed = edition::none; ///< from the root's namespace
  element root;
};

/// Parses one CSTA document. Refuses malformed XML, a document nested
/// deeper than 32 levels or larger than `max_bytes`.
expected<document, std::string> parse(std::string_view xml,
                                      std::size_t max_bytes = 65535);

/// `<?xml ...?><Root xmlns="...edN">...</Root>`, escaped.
std::string write(const element& root, edition ed);

} // namespace ivm::csta
