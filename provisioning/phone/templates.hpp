#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "provisioning/phone/file_kind.hpp"
#include "provisioning/phone/fwd.hpp"
#include "provisioning/phone/text_template.hpp"
#include "provisioning/phone/vendor.hpp"

namespace ivm::provisioning::phone {

/// The templates the box renders configuration files from, one per vendor
/// and file kind: the defaults compiled into the binary, each of which the
/// admin may replace. A value: the provisioning service keeps one and
/// replaces it whole when the admin changes a template.
///
/// Default templates exist for: Cisco device_config (SEP<MAC>.cnf.xml) and
/// common_config (XMLDefault.cnf.xml); Polycom device_config (<mac>-ivm.cfg),
/// device_index (<mac>.cfg) and common_index (000000000000.cfg); Yealink
/// device_config (<mac>.cfg) and common_config (y0000000000XX.cfg);
/// Grandstream device_config (cfg<mac>.xml); Snom device_config
/// (snom<model>-<MAC>.htm) and common_config (snom<model>.htm). Any other
/// generated kind of a known vendor (Yealink's .boot files, Grandstream's
/// cfg.xml) has no template until the admin sets one, and is "not found".
class templates {
public:
  /// The compiled-in defaults.
  templates();

  /// The template for `v`'s files of kind `k`, or nullptr when the box does
  /// not serve such a file.
  const text_template* find(vendor v, file_kind k) const noexcept;

  /// The source text of that template (for the admin API), empty if none.
  std::string_view text(vendor v, file_kind k) const noexcept;

  /// Whether that template is the compiled-in default (or absent as by
  /// default).
  bool is_default(vendor v, file_kind k) const noexcept;

  /// Replaces the template for `v`'s files of kind `k` with `text`, after
  /// `validate`. Returns the error and changes nothing when invalid.
  std::optional<template_error> set(vendor v, file_kind k,
                                    std::string_view text);

  /// Goes back to the compiled-in default (or to no template).
  void reset(vendor v, file_kind k);

  /// Checks `text` as a template for `v`'s files of kind `k`: a known vendor
  /// and a generated kind; known names and balanced sections (see
  /// `text_template`); and a rendering with a sample device that has the
  /// file's syntax (well-formed XML; for Yealink the "#!version:" first line
  /// and only comments, `name = value` and `include:config` lines).
  static std::optional<template_error> validate(vendor v, file_kind k,
                                                std::string_view text);

  /// The compiled-in default text, empty if none.
  static std::string_view default_text(vendor v, file_kind k) noexcept;

private:
  struct entry {
    std::string text;
    text_template compiled;
    bool is_default = false;
  };

  using key = std::pair<vendor, file_kind>;

  std::map<key, entry> entries_;
};

/// A template's name in the admin API and the overrides directory:
/// "<vendor>-<kind>" ("yealink-device_config").
std::string template_name(vendor v, file_kind k);

/// Inverse of `template_name` for a known vendor and a generated kind;
/// nullopt for anything else.
std::optional<std::pair<vendor, file_kind>>
parse_template_name(std::string_view name) noexcept;

/// Every known vendor with every generated kind, by vendor: the templates
/// the admin may set.
std::vector<std::pair<vendor, file_kind>> template_slots();

} // namespace ivm::provisioning::phone
