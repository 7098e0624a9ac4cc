#include "appliance/csta/xml.hpp"

#include <cctype>

#include <pugixml.hpp>

#include "appliance/presence/xml_escape.hpp"
#include "appliance/presence/xml_reader.hpp"

namespace ivm::csta {

namespace {

namespace px = presence::detail;

constexpr std::string_view ns_ed2 =
    "http://www.ecma.ch/standards/ecma-323/csta/ed2";
constexpr std::string_view ns_prefix =
    "http://www.ecma-international.org/standards/ecma-323/csta/ed";

edition edition_of_namespace(std::string_view ns) {
  if (ns == ns_ed2)
    return edition::ed2;
  if (ns.size() == ns_prefix.size() + 1 &&
      ns.substr(0, ns_prefix.size()) == ns_prefix) {
    switch (ns.back()) {
      case '3':
        return edition::ed3;
      case '4':
        return edition::ed4;
      case '5':
        return edition::ed5;
      case '6':
        return edition::ed6;
      default:
        break;
    }
  }
  return edition::none;
}

// CSTA's names are ASCII NCNames; anything else is refused (elements) or
// dropped (attributes).
bool plain_name(std::string_view n) {
  if (n.empty() ||
      !(std::isalpha(static_cast<unsigned char>(n[0])) || n[0] == '_'))
    return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
          c == '.'))
      return false;
  return true;
}

bool convert(pugi::xml_node from, element& to, int depth) {
  if (depth > 32)
    return false;
  to.name = std::string{px::local_name(from)};
  if (!plain_name(to.name))
    return false;
  for (auto a : from.attributes()) {
    std::string_view n = a.name();
    if (n == "xmlns" || n.substr(0, 6) == "xmlns:")
      continue;
    auto colon = n.find(':');
    auto local = colon == n.npos ? n : n.substr(colon + 1);
    if (!plain_name(local) ||
        (colon != n.npos && !plain_name(n.substr(0, colon))))
      continue;
    to.attributes.emplace_back(std::string{local},
                               presence::sanitize_line(a.value()));
  }
  for (auto c : from.children()) {
    if (c.type() != pugi::node_element)
      continue;
    to.children.emplace_back();
    if (!convert(c, to.children.back(), depth + 1))
      return false;
  }
  // Bytes that are not UTF-8 (a PBX writing Latin-1) become U+FFFD; no
  // control characters: the text goes to displays and messages.
  to.text = std::string{px::trim(presence::sanitize_line(px::text_of(from)))};
  return true;
}

void write_element(std::string& out, const element& e, std::string_view ns) {
  out += '<';
  out += e.name;
  if (!ns.empty()) {
    out += " xmlns=\"";
    out += ns;
    out += '"';
  }
  for (auto& [k, v] : e.attributes) {
    out += ' ';
    out += k;
    out += "=\"";
    out += presence::xml_escape(v);
    out += '"';
  }
  if (e.children.empty() && e.text.empty()) {
    out += "/>";
    return;
  }
  out += '>';
  out += presence::xml_escape(e.text);
  for (auto& c : e.children)
    write_element(out, c, {});
  out += "</";
  out += e.name;
  out += '>';
}

} // namespace

std::optional<edition> edition_of(std::string_view name) {
  for (auto e :
       {edition::ed2, edition::ed3, edition::ed4, edition::ed5, edition::ed6})
    if (to_string(e) == name)
      return e;
  return std::nullopt;
}

std::string_view to_string(edition e) {
  switch (e) {
    case edition::ed2:
      return "ed2";
    case edition::ed3:
      return "ed3";
    case edition::ed4:
      return "ed4";
    case edition::ed5:
      return "ed5";
    case edition::ed6:
      return "ed6";
    case edition::none:
      break;
  }
  return "none";
}

std::string_view namespace_of(edition e) {
  static const std::string ed[] = {
      std::string{ns_prefix} + "3", std::string{ns_prefix} + "4",
      std::string{ns_prefix} + "5", std::string{ns_prefix} + "6"};
  switch (e) {
    case edition::ed2:
      return ns_ed2;
    case edition::ed3:
      return ed[0];
    case edition::ed4:
      return ed[1];
    case edition::ed5:
      return ed[2];
    case edition::ed6:
      return ed[3];
    case edition::none:
      break;
  }
  return {};
}

const element* element::child(std::string_view n) const {
  for (auto& c : children)
    if (c.name == n)
      return &c;
  return nullptr;
}

const element* element::at(std::string_view path) const {
  const element* e = this;
  while (e && !path.empty()) {
    auto slash = path.find('/');
    e = e->child(path.substr(0, slash));
    path = slash == path.npos ? std::string_view{} : path.substr(slash + 1);
  }
  return e;
}

std::string element::text_at(std::string_view path) const {
  auto* e = at(path);
  return e ? e->text : std::string{};
}

element& element::add(std::string n, std::string t) {
  children.push_back(element{std::move(n), std::move(t), {}, {}});
  return children.back();
}

expected<document, std::string> parse(std::string_view xml,
                                      std::size_t max_bytes) {
  pugi::xml_document doc;
  auto root = px::load_document(doc, xml, max_bytes);
  if (!root)
    return unexpected(root.error());
  document d;
  d.ed = edition_of_namespace(px::namespace_uri(*root));
  if (!convert(*root, d.root, 0))
    return unexpected(std::string{"nested too deep or a name CSTA has not"});
  return d;
}

std::string write(const element& root, edition ed) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  write_element(out, root, namespace_of(ed));
  return out;
}

} // namespace ivm::csta
