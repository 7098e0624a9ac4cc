#include "console/model/provisioning_view.hpp"

#include <nlohmann/json.hpp>

namespace ivm::console {

namespace {

using json = nlohmann::json;

std::string text_of(const json& j, const char* key) {
  auto i = j.find(key);
  return i != j.end() && i->is_string() ? i->get<std::string>() : std::string{};
}

expected<json, std::string> object_of(std::string_view body) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return unexpected(std::string{"the box's answer is not a JSON object"});
  return j;
}

} // namespace

expected<std::vector<device_file>, std::string>
parse_device_files(std::string_view body) {
  auto j = object_of(body);
  if (!j)
    return unexpected(j.error());
  auto files = j->find("files");
  if (files == j->end() || !files->is_array())
    return unexpected(std::string{"no \"files\" in the box's answer"});
  std::vector<device_file> out;
  for (auto& f : *files) {
    if (!f.is_object())
      return unexpected(std::string{"a file that is not an object"});
    out.push_back({text_of(f, "name"), text_of(f, "kind"),
                   text_of(f, "content_type"), text_of(f, "text")});
  }
  return out;
}

expected<std::vector<template_row>, std::string>
parse_templates(std::string_view body) {
  auto j = object_of(body);
  if (!j)
    return unexpected(j.error());
  auto list = j->find("templates");
  if (list == j->end() || !list->is_array())
    return unexpected(std::string{"no \"templates\" in the box's answer"});
  std::vector<template_row> out;
  for (auto& t : *list) {
    if (!t.is_object() || text_of(t, "name").empty())
      return unexpected(std::string{"a template without a name"});
    out.push_back({text_of(t, "name"), text_of(t, "source")});
  }
  return out;
}

expected<template_doc, std::string> parse_template(std::string_view body) {
  auto j = object_of(body);
  if (!j)
    return unexpected(j.error());
  if (text_of(*j, "name").empty())
    return unexpected(std::string{"a template without a name"});
  return template_doc{text_of(*j, "name"), text_of(*j, "source"),
                      text_of(*j, "text")};
}

std::string base_name(std::string_view path) {
  while (!path.empty() && path.back() == '/')
    path.remove_suffix(1);
  auto slash = path.rfind('/');
  return std::string{slash == std::string_view::npos ? path
                                                     : path.substr(slash + 1)};
}

} // namespace ivm::console
