#include "appliance/ctl/user_commands.hpp"

#include <ostream>

#include "appliance/ctl/exit_code.hpp"
#include "appliance/ctl/format.hpp"
#include "console/client/client.hpp"

namespace ivm::ctl {

int user_add(const context& ctx, const user_add_args& args) {
  admin::new_user u;
  u.extension = args.extension;
  u.name = args.name;
  u.password = args.password;
  u.username = args.username;
  u.enabled = !args.disabled;
  auto r = ctx.api.add_user(u);
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, "added user " + r->value.extension + '\n');
}

int user_list(const context& ctx) {
  auto r = ctx.api.list_users();
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, format_users(r->value));
}

int user_show(const context& ctx, const std::string& extension) {
  auto r = ctx.api.get_user(extension);
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, format_user(r->value));
}

int user_passwd(const context& ctx, const std::string& extension,
                const std::string& password) {
  admin::user_update changes;
  changes.password = password;
  auto r = ctx.api.update_user(extension, changes);
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body,
                      "changed the password of user " + r->value.extension +
                          '\n');
}

int user_set(const context& ctx, const user_set_args& args) {
  admin::user_update changes;
  changes.name = args.name;
  changes.username = args.username;
  changes.enabled = args.enabled;
  if (changes.empty()) {
    ctx.err << "ivmctl: nothing to change: give --name, --username, --enable "
               "or --disable\n";
    return usage_or_unreachable;
  }
  auto r = ctx.api.update_user(args.extension, changes);
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body,
                      "updated user " + r->value.extension + '\n');
}

int user_del(const context& ctx, const std::string& extension) {
  auto r = ctx.api.delete_user(extension);
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, "deleted user " + extension + '\n');
}

} // namespace ivm::ctl
