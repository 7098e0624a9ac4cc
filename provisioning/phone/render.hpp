#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "provisioning/phone/fwd.hpp"

namespace ivm::provisioning::phone {

/// The file `v`'s phones get for a request of kind `k`, rendered from its
/// template in `tpl` with the values of `cfg` (for vendor-wide kinds only the
/// box's fields of `cfg` matter). nullopt when there is no template for
/// that vendor and kind: answer "not found".
std::optional<std::string>
render(vendor v, file_kind k, const device_config& cfg, const templates& tpl);

/// The HTTP Content-Type for `v`'s generated files: "application/xml" or
/// "text/plain" (Yealink).
std::string_view content_type(vendor v) noexcept;

} // namespace ivm::provisioning::phone
