#include "provisioning/phone/file_kind.hpp"

namespace ivm::provisioning::phone {

namespace {

constexpr file_kind all_kinds[] = {
    file_kind::unknown,       file_kind::device_config, file_kind::device_index,
    file_kind::common_config, file_kind::common_index,  file_kind::security,
    file_kind::not_served,    file_kind::firmware,
};

} // namespace

std::string_view to_string(file_kind x) noexcept {
  switch (x) {
    case file_kind::unknown:
      return "unknown";
    case file_kind::device_config:
      return "device_config";
    case file_kind::device_index:
      return "device_index";
    case file_kind::common_config:
      return "common_config";
    case file_kind::common_index:
      return "common_index";
    case file_kind::security:
      return "security";
    case file_kind::not_served:
      return "not_served";
    case file_kind::firmware:
      return "firmware";
  }
  return "unknown";
}

std::optional<file_kind> parse_file_kind(std::string_view text) noexcept {
  for (auto k : all_kinds)
    if (to_string(k) == text)
      return k;
  return std::nullopt;
}

} // namespace ivm::provisioning::phone
