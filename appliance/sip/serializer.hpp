#pragma once

#include <string>

#include "appliance/sip/message.hpp"

namespace ivm::sip {

/// Output choices of `serialize`.
struct serialize_options {
  /// Write canonical long names ("Via") instead of the names as received
  /// ("v"). Unknown headers always keep their name.
  bool long_names = false;
};

/// Writes `msg` in wire form: start line, one `Name: value` CRLF line per
/// header (folding removed), an empty line and the body. Exactly one
/// Content-Length with the body size is written: in place of the first
/// Content-Length header, or last when there was none.
std::string serialize(const message& msg, const serialize_options& opts = {});

} // namespace ivm::sip
