#include "provisioning/phone/templates.hpp"

#include <pugixml.hpp>

#include "provisioning/phone/default_templates.hpp"
#include "provisioning/phone/device_config.hpp"
#include "provisioning/phone/escape.hpp"

namespace ivm::provisioning::phone {

namespace {

/// A device whose values exercise escaping: a rendering of a valid template
/// with it must still have the file's syntax.
const device_config& sample_device() {
  static const device_config cfg = [] {
    device_config x;
    x.mac = *mac_address::parse("00:04:f2:12:34:56");
    x.model = "sample";
    x.firmware = "firmware.bin";
    x.display_name = "A <&> \"B\" 'C'\r\nD";
    x.extension = "100";
    x.auth_user = "dev-100";
    x.auth_password = "p&<w>\"'\nd";
    x.line_keys = {{"101", "E & <F>"}, {"102", "G\nH"}};
    x.sip_domain = "example.test";
    x.registrar_host = "192.0.2.1";
    x.ntp_server = "192.0.2.1";
    x.timezone = "Europe/Berlin";
    x.utc_offset_minutes = 60;
    x.provisioning_url = "http://192.0.2.1:8080/";
    return x;
  }();
  return cfg;
}

template_error error(std::size_t line, std::string message) {
  template_error err;
  err.line = line;
  err.column = line == 0 ? 0 : 1;
  err.message = std::move(message);
  return err;
}

std::size_t line_of(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i)
    if (text[i] == '\n')
      ++line;
  return line;
}

std::optional<template_error> check_xml(const std::string& rendered) {
  pugi::xml_document doc;
  auto res = doc.load_buffer(rendered.data(), rendered.size());
  if (res)
    return std::nullopt;
  return error(0, "a sample rendering is not well-formed XML: " +
                      std::string{res.description()} + " (rendered line " +
                      std::to_string(line_of(rendered, res.offset)) + ")");
}

std::optional<template_error> check_key_value(const std::string& rendered) {
  std::string_view rest{rendered};
  if (rest.substr(0, 10) != "#!version:")
    return error(1, "the first line must be the \"#!version:1.0.0.1\" "
                    "header");
  std::size_t line = 0;
  while (!rest.empty()) {
    ++line;
    auto nl = rest.find('\n');
    auto text = rest.substr(0, nl);
    rest =
        nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' '))
      text.remove_suffix(1);
    while (!text.empty() && text.front() == ' ')
      text.remove_prefix(1);
    if (text.empty() || text.front() == '#' ||
        text.substr(0, 15) == "include:config " ||
        (text.find('=') != std::string_view::npos && text.front() != '='))
      continue;
    return error(0, "rendered line " + std::to_string(line) +
                        " is neither a comment nor 'name = value': '" +
                        std::string{text} + "'");
  }
  return std::nullopt;
}

} // namespace

templates::templates() {
  using detail::embedded_template_count;
  using detail::embedded_templates;
  for (std::size_t i = 0; i < embedded_template_count; ++i) {
    auto& e = embedded_templates[i];
    auto v = parse_vendor(e.vendor);
    auto k = parse_file_kind(e.kind);
    if (!v || !k)
      continue;
    auto compiled = text_template::parse(e.text, device_schema());
    if (!compiled)
      continue; // a broken default: the tests of the defaults catch it
    entries_[{*v, *k}] = entry{std::string{e.text}, std::move(*compiled), true};
  }
}

const text_template* templates::find(vendor v, file_kind k) const noexcept {
  auto i = entries_.find({v, k});
  return i == entries_.end() ? nullptr : &i->second.compiled;
}

std::string_view templates::text(vendor v, file_kind k) const noexcept {
  auto i = entries_.find({v, k});
  return i == entries_.end() ? std::string_view{} : i->second.text;
}

bool templates::is_default(vendor v, file_kind k) const noexcept {
  auto i = entries_.find({v, k});
  if (i == entries_.end())
    return default_text(v, k).empty();
  return i->second.is_default;
}

std::optional<template_error> templates::set(vendor v, file_kind k,
                                             std::string_view text) {
  if (auto err = validate(v, k, text))
    return err;
  auto compiled = text_template::parse(text, device_schema());
  entries_[{v, k}] = entry{std::string{text}, std::move(*compiled), false};
  return std::nullopt;
}

void templates::reset(vendor v, file_kind k) {
  auto text = default_text(v, k);
  if (text.empty()) {
    entries_.erase({v, k});
    return;
  }
  auto compiled = text_template::parse(text, device_schema());
  if (compiled)
    entries_[{v, k}] = entry{std::string{text}, std::move(*compiled), true};
}

std::optional<template_error> templates::validate(vendor v, file_kind k,
                                                  std::string_view text) {
  if (v == vendor::unknown)
    return error(0, "templates belong to a known vendor");
  if (!is_generated(k))
    return error(0, "files of kind '" + std::string{to_string(k)} +
                        "' are never generated from a template");
  auto compiled = text_template::parse(text, device_schema());
  if (!compiled)
    return compiled.error();
  auto format = format_of(v);
  auto rendered = compiled->render(to_template_data(sample_device()), format);
  return format == value_format::xml ? check_xml(rendered)
                                     : check_key_value(rendered);
}

std::string_view templates::default_text(vendor v, file_kind k) noexcept {
  for (std::size_t i = 0; i < detail::embedded_template_count; ++i) {
    auto& e = detail::embedded_templates[i];
    if (e.vendor == to_string(v) && e.kind == to_string(k))
      return e.text;
  }
  return {};
}

std::string template_name(vendor v, file_kind k) {
  return std::string{to_string(v)} + "-" + std::string{to_string(k)};
}

std::optional<std::pair<vendor, file_kind>>
parse_template_name(std::string_view name) noexcept {
  auto dash = name.find('-');
  if (dash == std::string_view::npos)
    return std::nullopt;
  auto v = parse_vendor(name.substr(0, dash));
  auto k = parse_file_kind(name.substr(dash + 1));
  // parse_vendor ignores case: the name must be exactly the canonical one.
  if (!v || !k || !is_generated(*k) || template_name(*v, *k) != name)
    return std::nullopt;
  return std::pair{*v, *k};
}

std::vector<std::pair<vendor, file_kind>> template_slots() {
  std::vector<std::pair<vendor, file_kind>> out;
  for (auto v : all_vendors)
    for (auto k : {file_kind::device_config, file_kind::device_index,
                   file_kind::common_config, file_kind::common_index})
      out.emplace_back(v, k);
  return out;
}

} // namespace ivm::provisioning::phone
