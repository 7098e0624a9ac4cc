#pragma once

#include <optional>
#include <string_view>

#include "appliance/sdp/session.hpp"

namespace ivm::sdp::detail {

/// Where an `a=` line goes: the session or one media section.
struct attribute_target {
  std::optional<direction>* dir;
  std::vector<attribute>* attributes;
  /// Null at session level (rtpmap, fmtp and ptime are kept as plain
  /// attributes there).
  media_description* media;
};

/// Applies the value of one `a=` line (without "a="). Returns a fixed error
/// text, or nullptr on success.
const char* apply_attribute(std::string_view value, attribute_target target);

} // namespace ivm::sdp::detail
