#include "appliance/presence/xml_reader.hpp"

namespace ivm::presence::detail {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

} // namespace

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

expected<pugi::xml_node, std::string> load_document(pugi::xml_document& doc,
                                                    std::string_view xml,
                                                    std::size_t max_size) {
  if (xml.size() > max_size)
    return unexpected(std::string{"document too large"});
  if (xml.find('\0') != std::string_view::npos)
    return unexpected(std::string{"NUL byte in document"});
  if (xml.find("<!DOCTYPE") != std::string_view::npos ||
      xml.find("<!ENTITY") != std::string_view::npos)
    return unexpected(std::string{"DOCTYPE not allowed"});
  // parse_doctype makes a DOCTYPE visible as a node (we refuse it below);
  // pugixml never loads external entities and leaves unknown references
  // as literal text.
  // parse_fragment keeps text outside the root visible (refused below).
  auto flags = pugi::parse_default | pugi::parse_doctype | pugi::parse_fragment;
  auto res =
      doc.load_buffer(xml.data(), xml.size(), flags, pugi::encoding_utf8);
  if (!res)
    return unexpected(std::string{"malformed XML: "} + res.description());
  pugi::xml_node root;
  for (auto child : doc.children()) {
    if (child.type() == pugi::node_doctype)
      return unexpected(std::string{"DOCTYPE not allowed"});
    if (child.type() == pugi::node_element) {
      if (root)
        return unexpected(std::string{"more than one root element"});
      root = child;
    } else if (child.type() == pugi::node_pcdata ||
               child.type() == pugi::node_cdata) {
      return unexpected(std::string{"text outside the root element"});
    }
  }
  if (!root)
    return unexpected(std::string{"no root element"});
  return root;
}

std::string_view local_name(pugi::xml_node element) {
  std::string_view name = element.name();
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string_view namespace_uri(pugi::xml_node element) {
  std::string_view name = element.name();
  auto colon = name.find(':');
  std::string attr_name = "xmlns";
  if (colon != std::string_view::npos) {
    auto prefix = name.substr(0, colon);
    if (prefix == "xml")
      return "http://www.w3.org/XML/1998/namespace";
    attr_name += ':';
    attr_name += prefix;
  }
  for (auto node = element; node && node.type() == pugi::node_element;
       node = node.parent()) {
    if (auto decl = node.attribute(attr_name.c_str()))
      return decl.value();
  }
  return {};
}

bool is_element(pugi::xml_node element, std::string_view ns,
                std::string_view local) {
  return element.type() == pugi::node_element && local_name(element) == local &&
         namespace_uri(element) == ns;
}

std::string text_of(pugi::xml_node element) {
  std::string out;
  for (auto child : element.children())
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata)
      out += child.value();
  return std::string{trim(out)};
}

} // namespace ivm::presence::detail
