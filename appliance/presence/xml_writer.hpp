#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ivm::presence::detail {

/// Writes an indented XML 1.0 document (UTF-8, two spaces per level) with
/// every attribute value and text escaped by `xml_escape`. Element and
/// attribute names are the caller's constants and are written as given.
class xml_writer {
public:
  /// Starts the document with its XML declaration.
  xml_writer();

  /// Opens an element; attributes may follow until content is written.
  xml_writer& start(std::string_view name);

  /// Adds an attribute to the element just opened.
  xml_writer& attr(std::string_view name, std::string_view value);

  /// Writes escaped character data into the current element, on its line.
  xml_writer& text(std::string_view value);

  /// Closes the current element (`<x/>` when it has no content).
  xml_writer& end();

  /// Shorthand for `start(name).text(value).end()`.
  xml_writer& element(std::string_view name, std::string_view value);

  /// Closes all open elements and returns the document.
  std::string finish();

private:
  struct frame {
    std::string name;
    bool has_text = false;
    bool has_children = false;
  };

  void close_start_tag(bool newline);

  void indent();

  std::string out_;
  std::vector<frame> stack_;
  bool tag_open_ = false;
};

} // namespace ivm::presence::detail
