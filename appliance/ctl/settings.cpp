#include "appliance/ctl/settings.hpp"

namespace ivm::ctl {

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
  return std::move(*ep);
}

} // namespace ivm::ctl
