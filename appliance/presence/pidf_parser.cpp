#include "appliance/presence/pidf.hpp"

#include <set>

#include "appliance/presence/namespaces.hpp"
#include "appliance/presence/xml_reader.hpp"

namespace ivm::presence {

namespace {

using detail::is_element;
using detail::text_of;

using error = unexpected_t<std::string>;

error fail(std::string what) {
  return unexpected(std::move(what));
}

// RFC 3986 §3.1: scheme ":" followed by at least one character, no spaces
// or controls anywhere.
bool is_uri(std::string_view s) {
  auto alpha = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  };
  auto colon = s.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 == s.size())
    return false;
  if (!alpha(s[0]))
    return false;
  for (std::size_t i = 1; i < colon; ++i) {
    char c = s[i];
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' &&
        c != '.')
      return false;
  }
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F)
      return false;
  return true;
}

// RFC 3261 qvalue: "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ].
std::optional<double> parse_qvalue(std::string_view s) {
  s = detail::trim(s);
  if (s.empty() || (s[0] != '0' && s[0] != '1'))
    return std::nullopt;
  if (s.size() > 1 && (s[1] != '.' || s.size() > 5))
    return std::nullopt;
  int milli = (s[0] - '0') * 1000;
  int scale = 100;
  for (std::size_t i = 2; i < s.size(); ++i, scale /= 10) {
    if (s[i] < '0' || s[i] > '9' || (s[0] == '1' && s[i] != '0'))
      return std::nullopt;
    milli += (s[i] - '0') * scale;
  }
  return milli / 1000.0;
}

expected<presence_tuple, std::string> parse_tuple(pugi::xml_node node) {
  presence_tuple t;
  t.id = detail::trim(node.attribute("id").value());
  if (t.id.empty())
    return fail("tuple without id");
  for (auto child : node.children()) {
    if (is_element(child, ns::pidf, "status")) {
      for (auto basic : child.children()) {
        if (!is_element(basic, ns::pidf, "basic"))
          continue;
        auto value = text_of(basic);
        if (value == "open")
          t.basic = basic_status::open;
        else if (value == "closed")
          t.basic = basic_status::closed;
        else
          return fail("invalid basic status");
      }
    } else if (is_element(child, ns::pidf, "contact")) {
      t.contact = text_of(child);
      if (auto prio = child.attribute("priority"))
        t.priority = parse_qvalue(prio.value());
    } else if (is_element(child, ns::pidf, "note")) {
      if (!t.note)
        t.note = text_of(child);
    } else if (is_element(child, ns::pidf, "timestamp")) {
      t.timestamp = text_of(child);
    }
  }
  return t;
}

void parse_person(pugi::xml_node node, presence_person& person) {
  for (auto child : node.children()) {
    if (is_element(child, ns::rpid, "activities")) {
      for (auto act : child.children()) {
        if (act.type() == pugi::node_element &&
            detail::namespace_uri(act) == ns::rpid &&
            is_activity(detail::local_name(act)))
          person.activities.emplace(detail::local_name(act));
      }
    } else if (is_element(child, ns::cipid, "display-name")) {
      if (person.display_name.empty())
        person.display_name = text_of(child);
    } else if (is_element(child, ns::data_model, "note")) {
      if (person.note.empty())
        person.note = text_of(child);
    }
  }
}

} // namespace

expected<presence_doc, std::string> parse_pidf(std::string_view xml,
                                               std::size_t max_size) {
  pugi::xml_document dom;
  auto root = detail::load_document(dom, xml, max_size);
  if (!root)
    return fail(root.error());
  if (!is_element(*root, ns::pidf, "presence"))
    return fail("root is not a PIDF presence element");
  presence_doc doc;
  doc.entity = detail::trim(root->attribute("entity").value());
  if (!is_uri(doc.entity))
    return fail("missing or invalid entity");
  std::set<std::string> ids;
  std::string root_note;
  for (auto child : root->children()) {
    if (is_element(child, ns::pidf, "tuple")) {
      auto t = parse_tuple(child);
      if (!t)
        return fail(t.error());
      if (!ids.insert(t->id).second)
        return fail("duplicate tuple id");
      doc.tuples.push_back(std::move(*t));
    } else if (is_element(child, ns::data_model, "person")) {
      parse_person(child, doc.person);
    } else if (is_element(child, ns::pidf, "note")) {
      if (root_note.empty())
        root_note = text_of(child);
    }
  }
  if (doc.person.note.empty())
    doc.person.note = std::move(root_note);
  return doc;
}

} // namespace ivm::presence
