#pragma once

// What the console shows of the phones' generated files and the templates
// they come from: the admin API's answers decoded (no ImGui, no I/O).

#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"

namespace ivm::console {

/// One file of GET /api/v1/devices/{mac}/files (secrets already masked by
/// the box).
struct device_file {
  std::string name;
  std::string kind;
  std::string content_type;
  std::string text;
};

/// One entry of GET /api/v1/templates.
struct template_row {
  std::string name;   ///< "yealink-device_config"
  std::string source; ///< "built-in" or "override"
};

/// GET /api/v1/templates/{name} (and the answer to PUT and DELETE).
struct template_doc {
  std::string name;
  std::string source;
  std::string text;
};

/// The Phones page's view of one device's files.
struct files_panel {
  std::string mac; ///< empty: none shown
  bool pending = false;
  std::string error;
  std::vector<device_file> files;
};

/// The Templates page's chosen template and its edit.
struct template_panel {
  std::string name; ///< empty: none chosen
  bool pending = false;
  std::string error;
  template_doc doc;
  /// The text being edited (starts as the box's).
  std::string edit;
};

/// The Firmware page's upload of a file from this machine.
struct upload_form {
  std::string path;
  /// "NAME: sha256 HEX" once the box stored it.
  std::string result;
};

expected<std::vector<device_file>, std::string>
parse_device_files(std::string_view body);

expected<std::vector<template_row>, std::string>
parse_templates(std::string_view body);

expected<template_doc, std::string> parse_template(std::string_view body);

/// The file name of a local path ("/tmp/a/T46S.rom" -> "T46S.rom").
std::string base_name(std::string_view path);

} // namespace ivm::console
