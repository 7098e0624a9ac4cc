#pragma once

// Internal: pugixml helpers shared by the parsers. Not part of the public API
// (pugixml is a private dependency of ivm_presence).

#include <cstddef>
#include <string>
#include <string_view>

#include <pugixml.hpp>

#include "appliance/common/expected.hpp"

namespace ivm::presence::detail {

/// Parses `xml` into `doc` and returns its document element. Rejects bodies
/// over `max_size` bytes, NUL bytes, any DOCTYPE (so no entity declarations
/// and no external entities: XXE, "billion laughs") and malformed XML.
expected<pugi::xml_node, std::string> load_document(pugi::xml_document& doc,
                                                    std::string_view xml,
                                                    std::size_t max_size);

/// The part of an element's name after its prefix.
std::string_view local_name(pugi::xml_node element);

/// The namespace URI of an element's name, resolved against the `xmlns` and
/// `xmlns:prefix` declarations in scope (empty when unbound).
std::string_view namespace_uri(pugi::xml_node element);

/// True when `element` is `{ns}local`.
bool is_element(pugi::xml_node element, std::string_view ns,
                std::string_view local);

/// The element's character data (text and CDATA children), trimmed.
std::string text_of(pugi::xml_node element);

/// `text` without leading and trailing XML white space.
std::string_view trim(std::string_view text);

} // namespace ivm::presence::detail
