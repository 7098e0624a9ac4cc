#include "provisioning/phone/device_files.hpp"

#include <algorithm>

#include "provisioning/phone/device_config.hpp"
#include "provisioning/phone/escape.hpp"
#include "provisioning/phone/file_request.hpp"
#include "provisioning/phone/render.hpp"
#include "provisioning/phone/templates.hpp"

namespace ivm::provisioning::phone {

namespace {

/// The orders in which phones ask for their files.
constexpr file_kind device_first[] = {
    file_kind::device_index, file_kind::common_index, file_kind::device_config,
    file_kind::common_config};
constexpr file_kind common_first[] = {
    file_kind::common_index, file_kind::device_index, file_kind::common_config,
    file_kind::device_config};

std::string placeholder_name(vendor v, file_kind k) {
  if (v == vendor::yealink && k == file_kind::common_config)
    return "y0000000000XX.cfg";
  return {};
}

void replace_all(std::string& text, std::string_view what) {
  if (what.empty())
    return;
  std::size_t at = 0;
  while ((at = text.find(what, at)) != std::string::npos) {
    text.replace(at, what.size(), secret_mask);
    at += secret_mask.size();
  }
}

} // namespace

std::vector<generated_file> device_files(const device_config& device,
                                         const device_config& box,
                                         const templates& tpl) {
  std::vector<generated_file> out;
  auto v = device.vendor_id;
  // Polycom reads its master <mac>.cfg (else 000000000000.cfg) and then the
  // file it names; Cisco SEP<MAC>.cnf.xml, else XMLDefault.cnf.xml;
  // Yealink, Grandstream and Snom the common file before their own.
  const auto& order =
      v == vendor::polycom || v == vendor::cisco ? device_first : common_first;
  for (auto k : order) {
    auto name = file_name(v, k, device.mac, device.model);
    if (name.empty())
      name = placeholder_name(v, k);
    if (name.empty())
      continue;
    auto text = render(v, k, is_per_device(k) ? device : box, tpl);
    if (!text)
      continue;
    generated_file f;
    f.name = std::move(name);
    f.kind = k;
    f.content_type = std::string{content_type(v)};
    f.text = std::move(*text);
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<std::string> secrets_of(const device_config& cfg) {
  std::vector<std::string> out;
  if (!cfg.auth_password.empty())
    out.push_back(cfg.auth_password);
  return out;
}

std::string mask_secrets(std::string_view text,
                         std::vector<std::string> secrets,
                         value_format format) {
  std::vector<std::string> forms;
  for (auto& s : secrets) {
    if (s.empty())
      continue;
    forms.push_back(escape(format, s));
    forms.push_back(std::move(s));
  }
  std::sort(forms.begin(), forms.end(),
            [](auto& a, auto& b) { return a.size() > b.size(); });
  std::string out{text};
  for (auto& f : forms)
    replace_all(out, f);
  return out;
}

} // namespace ivm::provisioning::phone
