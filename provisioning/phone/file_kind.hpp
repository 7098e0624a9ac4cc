#pragma once

#include <optional>
#include <string_view>

#include "provisioning/phone/fwd.hpp"

namespace ivm::provisioning::phone {

/// What a requested file is, which decides how the box answers it.
enum class file_kind : unsigned char {
  /// Not a file the box knows (or a name that is not a plain file name, such
  /// as "../x"): answer "not found".
  unknown,
  /// The device's own settings: its line, credentials and keys. The name
  /// carries the MAC (Cisco SEP<MAC>.cnf.xml, Polycom <mac>-ivm.cfg, Yealink
  /// <mac>.cfg, Grandstream cfg<mac>.xml, Snom snom<model>-<MAC>.htm).
  device_config,
  /// A per-device file that only names the others (Polycom's per-phone
  /// master file <mac>.cfg, Yealink <mac>.boot). Carries the MAC.
  device_index,
  /// A vendor-wide settings file without MAC (Cisco XMLDefault.cnf.xml,
  /// Yealink y0000000000XX.cfg, Grandstream cfg.xml, Snom snom<model>.htm).
  common_config,
  /// A vendor-wide file that names the others (Polycom 000000000000.cfg,
  /// Yealink y000000000000.boot).
  common_index,
  /// Cisco trust lists and signed/encrypted variants (CTLSEP<MAC>.tlv,
  /// ITLSEP<MAC>.tlv, ITLFile.tlv, *.cnf.xml.sgn): always "not found", so
  /// the phone goes on without security.
  security,
  /// A vendor file the box recognises but never generates: files the phone
  /// writes for itself (Polycom <mac>-phone.cfg overrides, logs, call lists,
  /// Yealink <mac>-local.cfg) and Grandstream's binary cfg<mac>. Answer "not
  /// found"; the MAC still tells who asked.
  not_served,
  /// A firmware image (Polycom *.ld, Yealink *.rom, Cisco *.loads/*.sbn,
  /// Grandstream <model>fw.bin, Snom snom*.bin): served from the uploaded
  /// firmware files when present.
  firmware,
};

/// "device_config", "common_index", ...
std::string_view to_string(file_kind x) noexcept;

/// Inverse of `to_string`; nullopt for anything else.
std::optional<file_kind> parse_file_kind(std::string_view text) noexcept;

/// Whether the box generates files of this kind from templates.
constexpr bool is_generated(file_kind x) noexcept {
  return x == file_kind::device_config || x == file_kind::device_index ||
         x == file_kind::common_config || x == file_kind::common_index;
}

/// Whether files of this kind belong to one device (their name carries its
/// MAC).
constexpr bool is_per_device(file_kind x) noexcept {
  return x == file_kind::device_config || x == file_kind::device_index;
}

} // namespace ivm::provisioning::phone
