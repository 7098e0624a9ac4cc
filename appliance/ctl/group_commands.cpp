#include "appliance/ctl/group_commands.hpp"

#include <ostream>

#include "appliance/ctl/exit_code.hpp"
#include "appliance/ctl/format.hpp"
#include "console/client/client.hpp"

namespace ivm::ctl {

int group_add(const context& ctx, const group_add_args& args) {
  admin::new_group g;
  g.name = args.name;
  g.extension = args.extension;
  g.members = args.members;
  auto r = ctx.api.add_group(g);
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, "added group " + r->value.name + '\n');
}

int group_list(const context& ctx) {
  auto r = ctx.api.list_groups();
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, format_groups(r->value));
}

int group_show(const context& ctx, const std::string& name) {
  auto r = ctx.api.get_group(name);
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, format_group(r->value));
}

int group_set(const context& ctx, const group_set_args& args) {
  admin::group_update changes;
  changes.members = args.members;
  changes.extension = args.extension;
  if (changes.empty()) {
    ctx.err << "ivmctl: nothing to change: give --members or --extension\n";
    return usage_or_unreachable;
  }
  auto r = ctx.api.update_group(args.name, changes);
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, "updated group " + r->value.name + '\n');
}

int group_del(const context& ctx, const std::string& name) {
  auto r = ctx.api.delete_group(name);
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, "deleted group " + name + '\n');
}

} // namespace ivm::ctl
