#include "appliance/ctl/context.hpp"

#include <ostream>

#include "appliance/ctl/exit_code.hpp"
#include "console/client/api_error.hpp"
#include "console/client/client.hpp"

namespace ivm::ctl {

int report(const context& ctx, const admin::api_error& err) {
  using kind = admin::api_error::kind;
  auto& url = ctx.api.target().url;
  switch (err.what) {
    case kind::unreachable:
      // A certificate that does not match its pin: reached, but nothing
      // was sent (see admin::exchange).
      if (err.message.rfind("the certificate of ", 0) == 0)
        ctx.err << "ivmctl: not talking to the appliance at " << url << ": "
                << err.message << '\n';
      else
        ctx.err << "ivmctl: cannot reach the appliance at " << url << ": "
                << err.message << '\n';
      return usage_or_unreachable;
    case kind::bad_response:
      ctx.err << "ivmctl: unexpected answer from " << url << " (HTTP "
              << err.status << "): " << err.message << '\n';
      return usage_or_unreachable;
    case kind::rejected:
      break;
  }
  ctx.err << "ivmctl: " << to_string(err);
  if (err.status == 401)
    ctx.err << " (check --token, IVM_TOKEN or <data-dir>/admin.json)";
  ctx.err << '\n';
  return api_failure;
}

int print_result(const context& ctx, const std::string& body,
                 const std::string& text) {
  if (!ctx.json)
    ctx.out << text;
  else if (!body.empty())
    ctx.out << body << '\n';
  return success;
}

} // namespace ivm::ctl
