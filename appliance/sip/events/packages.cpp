#include "appliance/sip/events/packages.hpp"

#include "appliance/sip/header_values.hpp"
#include "appliance/sip/response.hpp"

namespace ivm::sip::events {

const package_config*
events_config::find(std::string_view name) const noexcept {
  for (auto& pkg : packages)
    if (pkg.name == name)
      return &pkg;
  return nullptr;
}

std::string events_config::allow_events() const {
  std::string out;
  for (auto& pkg : packages) {
    if (!out.empty())
      out += ", ";
    out += pkg.name;
  }
  return out;
}

std::vector<package_config> events_config::default_packages() {
  return {{"presence", 3600, 60, 7200},
          {"dialog", 3600, 60, 7200},
          {"presence.winfo", 3600, 60, 7200},
          {"message-summary", 3600, 60, 7200}};
}

expiry_choice choose_expiry(const message& request, const package_config& pkg) {
  expiry_choice out;
  auto* hdr = request.find(header_id::expires);
  if (hdr == nullptr) {
    out.seconds = pkg.default_expires;
    return out;
  }
  auto value = parse_expires(hdr->value);
  if (!value) {
    out.malformed = true;
    return out;
  }
  if (*value == 0)
    return out;
  if (*value < pkg.min_expires) {
    out.too_brief = true;
    return out;
  }
  out.seconds = *value > pkg.max_expires ? pkg.max_expires : *value;
  return out;
}

message make_answer(const message& request, int code, std::string_view reason,
                    std::string_view to_tag,
                    std::vector<std::pair<std::string, std::string>> headers) {
  auto out = make_response(request, code, reason, to_tag);
  for (auto& [name, value] : headers)
    out.add(name, std::move(value));
  return out;
}

} // namespace ivm::sip::events
