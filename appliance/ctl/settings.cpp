#include "appliance/ctl/settings.hpp"

#include "console/client/pin_store.hpp"

namespace ivm::ctl {

std::optional<std::string> apply_fingerprint(admin::endpoint& ep,
                                             const std::string& fingerprint) {
  if (fingerprint.empty())
    return std::nullopt;
  auto fp = admin::normalize_fingerprint(fingerprint);
  if (!fp)
    return std::string{"invalid --fingerprint: expected the certificate's "
                       "SHA-256 as 64 hex digits (colons allowed)"};
  ep.fingerprint = std::move(*fp);
  return std::nullopt;
}

expected<admin::endpoint, std::string>
resolve_endpoint(const global_options& opts) {
  std::string url = opts.url;
  std::string token = opts.token;
  if (url.empty() || token.empty()) {
    auto dir = opts.data_dir.empty() ? std::string{"."} : opts.data_dir;
    while (dir.size() > 1 && dir.back() == '/')
      dir.pop_back();
    auto file = admin::load_admin_file(dir + "/admin.json");
    if (!file)
      return unexpected(file.error() +
                        " (is the appliance running? pass --data-dir, or "
                        "--url and --token)");
    if (url.empty())
      url = file->url;
    if (token.empty())
      token = file->token;
  }
  auto ep = admin::parse_url(url);
  if (!ep)
    return unexpected(ep.error());
  if (!admin::is_valid_token(token))
    return unexpected(
        std::string{"invalid token: expected printable ASCII without spaces"});
  ep->token = token;
  if (auto err = apply_fingerprint(*ep, opts.fingerprint))
    return unexpected(*err);
  return std::move(*ep);
}

} // namespace ivm::ctl
