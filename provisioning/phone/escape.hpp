#pragma once

#include <string>
#include <string_view>

#include "provisioning/phone/fwd.hpp"

namespace ivm::provisioning::phone {

/// The syntax a configuration file writes values in, which decides how a
/// value is escaped when a template inserts it.
enum class value_format : unsigned char {
  /// XML text or attribute value (Cisco, Polycom, Grandstream, Snom).
  xml,
  /// One `name = value` per line (Yealink).
  key_value,
};

/// Escapes `value` for an XML element text or attribute value: `& < > " '`
/// become entities, tab, CR and LF become character references (so a parser
/// gives them back instead of folding them into spaces), other control
/// characters (not allowed in XML 1.0) are dropped, and bytes that are not
/// UTF-8 become '?'.
std::string escape_xml(std::string_view value);

/// Makes `value` safe for a `key = value` line: CR, LF and every other
/// control character are dropped, so a value can never start a line of its
/// own (no injected settings); bytes that are not UTF-8 become '?'.
std::string escape_key_value(std::string_view value);

/// Dispatches on `format`.
std::string escape(value_format format, std::string_view value);

} // namespace ivm::provisioning::phone
