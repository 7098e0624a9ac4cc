#include "provisioning/phone/vendor.hpp"

#include "provisioning/phone/escape.hpp"

#include <cctype>

namespace ivm::provisioning::phone {

std::string_view to_string(vendor x) noexcept {
  switch (x) {
    case vendor::cisco:
      return "cisco";
    case vendor::polycom:
      return "polycom";
    case vendor::yealink:
      return "yealink";
    case vendor::grandstream:
      return "grandstream";
    case vendor::snom:
      return "snom";
    case vendor::unknown:
      break;
  }
  return "unknown";
}

std::optional<vendor> parse_vendor(std::string_view text) noexcept {
  for (auto v : all_vendors) {
    auto name = to_string(v);
    if (name.size() != text.size())
      continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(text[i])) == name[i];
    if (same)
      return v;
  }
  return std::nullopt;
}

value_format format_of(vendor x) noexcept {
  return x == vendor::yealink ? value_format::key_value : value_format::xml;
}

std::string_view check_sync_event(vendor x) noexcept {
  switch (x) {
    case vendor::yealink:
    case vendor::polycom:
      return "check-sync;reboot=false";
    default:
      return "check-sync";
  }
}

} // namespace ivm::provisioning::phone
