// ivmctl: administers users, groups and contact lists of a running IVM
// appliance through its admin API. The only unit that includes CLI11 (3.5 s per
// unit).

#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "appliance/ctl/cli_legacy.hpp"
#include "appliance/ctl/contact_commands.hpp"
#include "appliance/ctl/device_commands.hpp"
#include "appliance/ctl/exit_code.hpp"
#include "appliance/ctl/format.hpp"
#include "appliance/ctl/group_commands.hpp"
#include "appliance/ctl/password_input.hpp"
#include "appliance/ctl/settings.hpp"
#include "appliance/ctl/user_commands.hpp"
#include "console/client/client.hpp"
#include "ivm/version.hpp"

namespace {

using namespace ivm::ctl;

/// A command to run once the arguments are parsed.

/// Declares `ivmctl user ...`; the chosen subcommand stores its action.
void add_user_commands(CLI::App& app, action& chosen) {
  auto* user = app.add_subcommand("user", "Manage users (extensions)");

  auto add = std::make_shared<user_add_args>();
  auto add_password = std::make_shared<std::optional<std::string>>();
  auto* cmd = user->add_subcommand("add", "Create a user");
  cmd->add_option("extension", add->extension, "Extension, e.g. 201")
      ->required();
  cmd->add_option("--name", add->name, "Display name (optional)");
  cmd->add_option("--password", *add_password,
                  "SIP password (read from stdin when absent)");
  cmd->add_option("--username", add->username,
                  "SIP user name (default: the extension)");
  cmd->add_flag("--disabled", add->disabled, "Create the user disabled");
  cmd->callback([&chosen, add, add_password] {
    chosen = [add, add_password](const context& ctx) {
      if (!*add_password) {
        std::string why;
        auto pw = read_password(stdin, why);
        if (!pw) {
          ctx.err << "ivmctl: " << why << '\n';
          return static_cast<int>(usage_or_unreachable);
        }
        add->password = *pw;
      } else {
        add->password = **add_password;
      }
      return user_add(ctx, *add);
    };
  });

  user->add_subcommand("list", "List users")->callback([&chosen] {
    chosen = [](const context& ctx) { return user_list(ctx); };
  });

  auto ext = std::make_shared<std::string>();
  cmd = user->add_subcommand("show", "Show one user");
  cmd->add_option("extension", *ext, "Extension")->required();
  cmd->callback([&chosen, ext] {
    chosen = [ext](const context& ctx) { return user_show(ctx, *ext); };
  });

  auto pw_ext = std::make_shared<std::string>();
  auto pw = std::make_shared<std::optional<std::string>>();
  cmd = user->add_subcommand("passwd", "Set a user's password");
  cmd->add_option("extension", *pw_ext, "Extension")->required();
  cmd->add_option("--password", *pw,
                  "New password (read from stdin when absent, no echo on a "
                  "terminal)");
  cmd->callback([&chosen, pw_ext, pw] {
    chosen = [pw_ext, pw](const context& ctx) {
      std::string value;
      if (*pw) {
        value = **pw;
      } else {
        std::string why;
        auto line = read_password(stdin, why);
        if (!line) {
          ctx.err << "ivmctl: " << why << '\n';
          return static_cast<int>(usage_or_unreachable);
        }
        value = *line;
      }
      return user_passwd(ctx, *pw_ext, value);
    };
  });

  auto set = std::make_shared<user_set_args>();
  cmd = user->add_subcommand("set", "Change a user's name, username or state");
  cmd->add_option("extension", set->extension, "Extension")->required();
  cmd->add_option("--name", set->name, "New display name");
  cmd->add_option("--username", set->username, "New SIP user name");
  auto* enable = cmd->add_flag("--enable", "Enable the user");
  auto* disable = cmd->add_flag("--disable", "Disable the user");
  enable->excludes(disable);
  cmd->callback([&chosen, set, enable, disable] {
    if (enable->count() > 0)
      set->enabled = true;
    else if (disable->count() > 0)
      set->enabled = false;
    chosen = [set](const context& ctx) { return user_set(ctx, *set); };
  });

  auto del_ext = std::make_shared<std::string>();
  cmd = user->add_subcommand("del", "Delete a user");
  cmd->add_option("extension", *del_ext, "Extension")->required();
  cmd->callback([&chosen, del_ext] {
    chosen = [del_ext](const context& ctx) { return user_del(ctx, *del_ext); };
  });
}

/// Declares `ivmctl group ...`; the chosen subcommand stores its action.
void add_group_commands(CLI::App& app, action& chosen) {
  auto* group = app.add_subcommand("group", "Manage groups");

  auto add = std::make_shared<group_add_args>();
  auto add_members = std::make_shared<std::string>();
  auto* cmd = group->add_subcommand("add", "Create a group");
  cmd->add_option("name", add->name, "Group name, e.g. sales")->required();
  cmd->add_option("--extension", add->extension, "Extension of the group");
  cmd->add_option("--members", *add_members,
                  "Member extensions, comma-separated");
  cmd->callback([&chosen, add, add_members] {
    add->members = split_list(*add_members);
    chosen = [add](const context& ctx) { return group_add(ctx, *add); };
  });

  group->add_subcommand("list", "List groups")->callback([&chosen] {
    chosen = [](const context& ctx) { return group_list(ctx); };
  });

  auto name = std::make_shared<std::string>();
  cmd = group->add_subcommand("show", "Show one group");
  cmd->add_option("name", *name, "Group name")->required();
  cmd->callback([&chosen, name] {
    chosen = [name](const context& ctx) { return group_show(ctx, *name); };
  });

  auto set = std::make_shared<group_set_args>();
  auto set_members = std::make_shared<std::optional<std::string>>();
  cmd = group->add_subcommand("set", "Change a group's members or extension");
  cmd->add_option("name", set->name, "Group name")->required();
  cmd->add_option("--members", *set_members,
                  "New member list, comma-separated (\"\" for none)");
  cmd->add_option("--extension", set->extension, "New extension");
  cmd->callback([&chosen, set, set_members] {
    if (*set_members)
      set->members = split_list(**set_members);
    chosen = [set](const context& ctx) { return group_set(ctx, *set); };
  });

  auto del_name = std::make_shared<std::string>();
  cmd = group->add_subcommand("del", "Delete a group");
  cmd->add_option("name", *del_name, "Group name")->required();
  cmd->callback([&chosen, del_name] {
    chosen = [del_name](const context& ctx) {
      return group_del(ctx, *del_name);
    };
  });
}

/// Declares `ivmctl contacts ...`; the chosen subcommand stores its action.
void add_contacts_commands(CLI::App& app, action& chosen) {
  auto* contacts = app.add_subcommand(
      "contacts", "Manage users' contact lists (whose presence they see)");

  auto list_ext = std::make_shared<std::string>();
  auto* cmd = contacts->add_subcommand(
      "list", "Show a user's contacts and who watches the user");
  cmd->add_option("extension", *list_ext, "Extension of the user")->required();
  cmd->callback([&chosen, list_ext] {
    chosen = [list_ext](const context& ctx) {
      return contacts_list(ctx, *list_ext);
    };
  });

  // add and remove take the same two positionals.
  struct pair_args {
    std::string extension;
    std::string other;
  };
  auto add = std::make_shared<pair_args>();
  cmd = contacts->add_subcommand(
      "add", "Add OTHER to EXT's contacts (EXT may then watch OTHER)");
  cmd->add_option("extension", add->extension, "Extension of the user")
      ->required();
  cmd->add_option("other", add->other, "Extension of the contact to add")
      ->required();
  cmd->callback([&chosen, add] {
    chosen = [add](const context& ctx) {
      return contacts_add(ctx, add->extension, add->other);
    };
  });

  auto remove = std::make_shared<pair_args>();
  cmd = contacts->add_subcommand(
      "remove", "Remove OTHER from EXT's contacts (and the right to watch)");
  cmd->add_option("extension", remove->extension, "Extension of the user")
      ->required();
  cmd->add_option("other", remove->other, "Extension of the contact to remove")
      ->required();
  cmd->callback([&chosen, remove] {
    chosen = [remove](const context& ctx) {
      return contacts_remove(ctx, remove->extension, remove->other);
    };
  });
}

/// The options `device add` and `device set` share.
void add_device_options(CLI::App* cmd, device_fields& f, bool set) {
  cmd->add_option("--user", f.user,
                  set ? "Give the phone to this user (new credentials)"
                      : "Extension whose line the phone carries");
  cmd->add_option("--vendor", f.vendor,
                  "cisco, polycom, yealink, grandstream or snom (default: "
                  "what the phone told, or its MAC's maker)");
  cmd->add_option("--model", f.model, "Model, e.g. T46S, VVX_411, snom370");
  cmd->add_option("--label", f.label, "Where it is, e.g. \"reception\"");
  cmd->add_option("--firmware", f.firmware,
                  "Firmware file the phone should run (uploaded before)");
  cmd->add_option("--line-key", f.line_keys,
                  "Extension shown on a busy lamp key (repeat, in order)");
  if (set) {
    cmd->add_flag("--clear-line-keys", f.clear_line_keys,
                  "Remove every busy lamp key");
    cmd->add_flag("--rotate-credentials", f.rotate_credentials,
                  "Give the phone a new SIP password");
  }
}

/// Declares `ivmctl device ...`; the chosen subcommand stores its action.
void add_device_commands(CLI::App& app, action& chosen) {
  auto* device =
      app.add_subcommand("device", "Manage desk phones provisioned by the box");
  auto add_mac = std::make_shared<std::string>();
  auto add = std::make_shared<device_fields>();
  auto* cmd = device->add_subcommand(
      "add", "Assign a phone (by MAC) to a user; prints its SIP credentials");
  cmd->add_option("mac", *add_mac, "MAC address, e.g. 00:15:65:12:34:56")
      ->required();
  add_device_options(cmd, *add, false);
  cmd->callback([&chosen, add_mac, add] {
    chosen = [add_mac, add](const context& ctx) {
      return device_add(ctx, *add_mac, *add);
    };
  });
  device->add_subcommand("list", "List devices and unassigned phones")
      ->callback([&chosen] {
        chosen = [](const context& ctx) { return device_list(ctx); };
      });
  auto show_mac = std::make_shared<std::string>();
  cmd = device->add_subcommand("show", "Show one device");
  cmd->add_option("mac", *show_mac, "MAC address")->required();
  cmd->callback([&chosen, show_mac] {
    chosen = [show_mac](const context& ctx) {
      return device_show(ctx, *show_mac);
    };
  });
  auto set_mac = std::make_shared<std::string>();
  auto set = std::make_shared<device_fields>();
  cmd = device->add_subcommand(
      "set", "Change a device (the phone is told to fetch its files again)");
  cmd->add_option("mac", *set_mac, "MAC address")->required();
  add_device_options(cmd, *set, true);
  cmd->callback([&chosen, set_mac, set] {
    chosen = [set_mac, set](const context& ctx) {
      return device_set(ctx, *set_mac, *set);
    };
  });
  auto del_mac = std::make_shared<std::string>();
  cmd = device->add_subcommand(
      "del", "Delete a device (its SIP credentials stop working)");
  cmd->add_option("mac", *del_mac, "MAC address")->required();
  cmd->callback([&chosen, del_mac] {
    chosen = [del_mac](const context& ctx) {
      return device_del(ctx, *del_mac);
    };
  });
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "ivmctl: administer users, groups, contacts and devices of an IVM "
      "appliance",
      "ivmctl"};
  app.set_version_flag("--version", "ivmctl " IVM_VERSION_STRING);
  app.fallthrough();
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return "ivmctl: " + std::string{e.what()} + " (see ivmctl --help)\n";
  });

  global_options opts;
  app.add_option("--data-dir", opts.data_dir,
                 "Appliance data directory holding admin.json")
      ->capture_default_str();
  app.add_option("--url", opts.url, "Admin API URL, e.g. http://127.0.0.1:8080")
      ->envname("IVM_URL");
  app.add_option("--token", opts.token, "Admin API bearer token")
      ->envname("IVM_TOKEN");
  app.add_option("--fingerprint", opts.fingerprint,
                 "SHA-256 of the box's HTTPS certificate (hex, colons "
                 "allowed); else pinned on first use in "
                 "~/.config/ivm/known-boxes")
      ->envname("IVM_ADMIN_FINGERPRINT");
  app.add_flag("--json", opts.json, "Print the API's JSON");

  action chosen;
  add_user_commands(app, chosen);
  add_group_commands(app, chosen);
  add_contacts_commands(app, chosen);
  add_device_commands(app, chosen);
  add_legacy_commands(app, chosen);
  add_pbx_commands(app, chosen);
  add_canned_commands(app, chosen);
  add_routing_commands(app, chosen);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? success : usage_or_unreachable;
  }
  if (!chosen) {
    // Checked here rather than with require_subcommand(), whose message
    // hides a mistyped command name behind "A subcommand is required".
    if (app.got_subcommand("user"))
      std::cerr << "ivmctl: user needs a command: add, list, show, passwd, "
                   "set or del (see ivmctl user --help)\n";
    else if (app.got_subcommand("group"))
      std::cerr << "ivmctl: group needs a command: add, list, show, set or "
                   "del (see ivmctl group --help)\n";
    else if (app.got_subcommand("device"))
      std::cerr << "ivmctl: device needs a command: add, list, show, set or "
                   "del (see ivmctl device --help)\n";
    else if (app.got_subcommand("gateway"))
      std::cerr << "ivmctl: gateway needs a command: add, list, show or del "
                   "(see ivmctl gateway --help)\n";
    else if (app.got_subcommand("station"))
      std::cerr << "ivmctl: station needs a command: add, list or del (see "
                   "ivmctl station --help)\n";
    else if (app.got_subcommand("pbx"))
      std::cerr << "ivmctl: pbx needs a command: add, list, show, del, "
                   "phone-add or phone-del (see ivmctl pbx --help)\n";
    else if (app.got_subcommand("canned"))
      std::cerr << "ivmctl: canned needs a command: list or set (see ivmctl "
                   "canned --help)\n";
    else if (app.got_subcommand("contacts"))
      std::cerr << "ivmctl: contacts needs a command: list, add or remove "
                   "(see ivmctl contacts --help)\n";
    else
      std::cerr << "ivmctl: a command is required: user, group, contacts, "
                   "device, gateway, station, pbx or canned "
                   "(see ivmctl --help)\n";
    return usage_or_unreachable;
  }

  auto ep = resolve_endpoint(opts);
  if (!ep) {
    std::cerr << "ivmctl: " << ep.error() << '\n';
    return usage_or_unreachable;
  }
  // Notices (a certificate pinned on first use) go to stderr: stdout
  // stays the command's output.
  ivm::admin::client api{std::move(*ep), {}, [](const std::string& text) {
                           std::cerr << "ivmctl: " << text << '\n';
                         }};
  context ctx{api, opts.json, std::cout, std::cerr};
  return chosen(ctx);
}
