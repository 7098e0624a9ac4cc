#pragma once

// Test helpers: parse produced XML with pugixml and resolve namespaces (by
// hand, pugixml is not namespace-aware) so tests check {namespace}local
// names, not prefixes.

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <pugixml.hpp>

namespace ivm::presence::test {

/// Namespace URI bound to the element's prefix (or the default namespace).
inline std::string ns_of(pugi::xml_node n) {
  std::string name = n.name();
  auto colon = name.find(':');
  std::string decl = colon == std::string::npos
                         ? std::string{"xmlns"}
                         : "xmlns:" + name.substr(0, colon);
  for (; n && n.type() == pugi::node_element; n = n.parent())
    if (auto a = n.attribute(decl.c_str()))
      return a.value();
  return {};
}

inline std::string local_of(pugi::xml_node n) {
  std::string name = n.name();
  auto colon = name.find(':');
  return colon == std::string::npos ? name : name.substr(colon + 1);
}

/// The element children of `n` named {ns}local.
inline std::vector<pugi::xml_node> kids(pugi::xml_node n, const std::string& ns,
                                        const std::string& local) {
  std::vector<pugi::xml_node> out;
  for (auto c : n.children())
    if (c.type() == pugi::node_element && local_of(c) == local &&
        ns_of(c) == ns)
      out.push_back(c);
  return out;
}

/// The only {ns}local child of `n` (a null node, and a test failure, when
/// there is not exactly one).
inline pugi::xml_node kid(pugi::xml_node n, const std::string& ns,
                          const std::string& local) {
  auto all = kids(n, ns, local);
  EXPECT_EQ(all.size(), 1u) << "{" << ns << "}" << local;
  return all.size() == 1 ? all.front() : pugi::xml_node{};
}

/// Parses `xml` (must be well-formed, with an XML declaration) into `doc`.
inline pugi::xml_node load(pugi::xml_document& doc, const std::string& xml) {
  auto res = doc.load_string(xml.c_str(),
                             pugi::parse_default | pugi::parse_declaration);
  EXPECT_TRUE(res) << res.description() << "\n" << xml;
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
  return doc.document_element();
}

} // namespace ivm::presence::test
