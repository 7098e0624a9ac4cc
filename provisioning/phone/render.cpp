#include "provisioning/phone/render.hpp"

#include "provisioning/phone/device_config.hpp"
#include "provisioning/phone/escape.hpp"
#include "provisioning/phone/templates.hpp"

namespace ivm::provisioning::phone {

std::optional<std::string>
render(vendor v, file_kind k, const device_config& cfg, const templates& tpl) {
  auto t = tpl.find(v, k);
  if (t == nullptr)
    return std::nullopt;
  return t->render(to_template_data(cfg), format_of(v));
}

std::string_view content_type(vendor v) noexcept {
  return format_of(v) == value_format::xml ? "application/xml" : "text/plain";
}

} // namespace ivm::provisioning::phone
