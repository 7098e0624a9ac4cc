#pragma once

#include <string>
#include <string_view>

namespace ivm::presence {

/// Makes arbitrary bytes safe as XML 1.0 character data or as an attribute
/// value between double or single quotes:
/// - `& < > " '` become entity references;
/// - tab, LF and CR become character references (so attribute-value and
///   end-of-line normalisation keep them);
/// - other C0 controls and DEL are dropped (XML 1.0 forbids them even as
///   character references);
/// - invalid UTF-8, surrogates and U+FFFE/U+FFFF become U+FFFD.
std::string xml_escape(std::string_view text);

/// Drops control characters (C0 and DEL, tab and newlines included) and
/// replaces invalid UTF-8 with U+FFFD: for one-line texts such as notes.
std::string sanitize_line(std::string_view text);

/// Turns `text` into an XML `NCName` usable as an `xs:ID` attribute value:
/// characters other than ASCII letters, digits, `-`, `_` and `.` become `_`
/// and a prefix `_` is added when the first character is not a letter or
/// `_`. Returns "_" for an empty input.
std::string to_xml_id(std::string_view text);

} // namespace ivm::presence
