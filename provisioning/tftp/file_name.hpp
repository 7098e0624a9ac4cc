#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "appliance/common/expected.hpp"
#include "provisioning/tftp/fwd.hpp"
#include "provisioning/tftp/packet.hpp"

namespace ivm::provisioning::tftp {

/// Why a requested file name is refused.
enum class name_error : std::uint8_t {
  empty,             ///< Nothing left after normalising ("", ".", "./").
  too_long,          ///< Over `max_file_name_length` octets.
  absolute,          ///< Starts with '/' or '\', or a drive ("C:").
  parent_reference,  ///< Has a ".." component.
  control_character, ///< NUL, another octet below 0x20, or DEL.
  directory,         ///< Ends with a separator: names a directory.
};

/// Returns a short text for logs and ERROR messages, e.g. "absolute path".
std::string_view to_string(name_error x);

/// Returns the ERROR code answering a refused name: `access_violation` (2)
/// for every reason; the message carries `to_string`.
error_code to_error_code(name_error x);

/// Checks a name from an RRQ and returns it relative to the served root:
/// backslashes count as separators (so "..\x" is a parent reference, not a
/// file name), "." components and repeated separators are dropped, and the
/// result uses '/'. Refuses absolute names, ".." components, control
/// characters and names of directories (ending with a separator or "."). Octets
/// from 0x80 up (UTF-8) pass unchanged.
expected<std::string, name_error> normalize_file_name(std::string_view raw);

/// Returns the key a case-insensitive store looks a normalised name up by:
/// ASCII letters in lower case ("SEP0011AABBCCDD.cnf.xml" and
/// "sep0011aabbccdd.CNF.XML" give the same key).
std::string lookup_key(std::string_view normalized);

} // namespace ivm::provisioning::tftp
