#include "appliance/ctl/cli_legacy.hpp"

#include <memory>
#include <string>
#include <vector>

#include "appliance/ctl/canned_commands.hpp"
#include "appliance/ctl/legacy_commands.hpp"
#include "appliance/ctl/routing_commands.hpp"

namespace ivm::ctl {

namespace {

// `show NAME` and `del NAME` under `parent`.
void add_show_del(CLI::App* parent, action& chosen, const char* what,
                  const char* show_help, const char* del_help,
                  int (*show)(const context&, const std::string&),
                  int (*del)(const context&, const std::string&)) {
  for (bool showing : {true, false}) {
    auto name = std::make_shared<std::string>();
    auto* cmd = parent->add_subcommand(showing ? "show" : "del",
                                       showing ? show_help : del_help);
    cmd->add_option("name", *name, what)->required();
    auto fn = showing ? show : del;
    cmd->callback([&chosen, name, fn] {
      chosen = [name, fn](const context& ctx) { return fn(ctx, *name); };
    });
  }
}

} // namespace

/// Declares `ivmctl gateway ...` and `ivmctl station ...` (legacy phones).
void add_legacy_commands(CLI::App& app, action& chosen) {
  auto* gw =
      app.add_subcommand("gateway", "Manage media gateways (MGCP, H.248)");
  auto add = std::make_shared<gateway_add_args>();
  auto* cmd = gw->add_subcommand("add", "Add a gateway the box controls");
  cmd->add_option("name", add->name, "Name, e.g. gw1")->required();
  cmd->add_option("address", add->address,
                  "Where it listens, e.g. 192.0.2.10:2427")
      ->required();
  cmd->add_option("--protocol", add->protocol,
                  "mgcp (the default) or megaco (H.248)");
  cmd->add_option("--encoding", add->encoding,
                  "megaco only: long (the default) or compact tokens");
  cmd->add_option("--domain", add->domain,
                  "Its endpoints' domain name (default: the name)");
  cmd->callback([&chosen, add] {
    chosen = [add](const context& ctx) { return gateway_add(ctx, *add); };
  });
  gw->add_subcommand("list", "List gateways, their state and pending ones")
      ->callback([&chosen] {
        chosen = [](const context& ctx) { return gateway_list(ctx); };
      });
  add_show_del(gw, chosen, "Gateway name", "Show a gateway and its endpoints",
               "Delete a gateway and its stations", gateway_show, gateway_del);
  auto* st = app.add_subcommand(
      "station", "Map gateway endpoints (legacy phones) to users");
  for (auto which : {"add", "del"}) {
    auto a = std::make_shared<station_args>();
    bool adding = std::string{which} == "add";
    cmd = st->add_subcommand(which, adding ? "Put a user on an endpoint"
                                           : "Remove a station");
    cmd->add_option("gateway", a->gateway, "Gateway name")->required();
    cmd->add_option("endpoint", a->endpoint, "Endpoint, e.g. aaln/1")
        ->required();
    if (adding)
      cmd->add_option("extension", a->extension, "The user, e.g. 205")
          ->required();
    cmd->callback([&chosen, a, adding] {
      chosen = [a, adding](const context& ctx) {
        return adding ? station_add(ctx, *a) : station_del(ctx, *a);
      };
    });
  }
  st->add_subcommand("list", "List stations")->callback([&chosen] {
    chosen = [](const context& ctx) { return station_list(ctx); };
  });
}

/// Declares `ivmctl pbx ...` (PBX links and their digital desk phones).
void add_pbx_commands(CLI::App& app, action& chosen) {
  auto* pbx = app.add_subcommand(
      "pbx", "Manage PBX links (CSTA) and their digital desk phones");
  auto add = std::make_shared<pbx_add_args>();
  auto* cmd = pbx->add_subcommand("add", "Connect the box to a PBX's CTI port");
  cmd->add_option("name", add->name, "Name, e.g. pbx1")->required();
  cmd->add_option("address", add->address,
                  "Its CSTA XML port, e.g. 192.0.2.20:1040")
      ->required();
  cmd->add_option("--edition", add->edition, "ed3, ed4 (the default) or ed6");
  cmd->add_option("--handshake", add->handshake,
                  "none (the default), system-register or "
                  "application-session");
  cmd->add_option("--trunk", add->trunk,
                  "Where the PBX takes SIP calls, e.g. 192.0.2.20:5060");
  cmd->add_option("--trunk-prefix", add->trunk_prefixes,
                  "Numbers starting so go to the PBX (repeatable)");
  cmd->callback([&chosen, add] {
    chosen = [add](const context& ctx) { return pbx_add(ctx, *add); };
  });
  auto trunk = std::make_shared<pbx_trunk_args>();
  cmd = pbx->add_subcommand("trunk", "Set or remove a PBX's SIP trunk");
  cmd->add_option("name", trunk->name, "PBX name")->required();
  cmd->add_option("address", trunk->trunk,
                  "Where the PBX takes SIP calls (host:port), or none")
      ->required();
  cmd->add_option("--prefix", trunk->prefixes,
                  "Numbers starting so go to the PBX (repeatable)");
  cmd->callback([&chosen, trunk] {
    chosen = [trunk](const context& ctx) { return pbx_trunk(ctx, *trunk); };
  });
  pbx->add_subcommand("list", "List PBX links and their state")
      ->callback([&chosen] {
        chosen = [](const context& ctx) { return pbx_list(ctx); };
      });
  add_show_del(pbx, chosen, "PBX name", "Show a PBX link and its phones",
               "Delete a PBX link and its phones", pbx_show, pbx_del);
  for (auto which : {"phone-add", "phone-del"}) {
    auto a = std::make_shared<pbx_phone_args>();
    bool adding = std::string{which} == "phone-add";
    cmd =
        pbx->add_subcommand(which, adding ? "Put a user on a PBX phone"
                                          : "Remove a PBX phone from the box");
    cmd->add_option("pbx", a->pbx, "PBX name")->required();
    cmd->add_option("device", a->device, "The phone's number on the PBX")
        ->required();
    if (adding) {
      cmd->add_option("extension", a->extension, "The user, e.g. 205")
          ->required();
      cmd->add_option("--im-key", a->im_key,
                      "The button that opens IM mode, e.g. 12");
      cmd->add_option("--display", a->display,
                      "The display's size, e.g. 2x24 (the default)");
    }
    cmd->callback([&chosen, a, adding] {
      chosen = [a, adding](const context& ctx) {
        return adding ? pbx_phone_add(ctx, *a) : pbx_phone_del(ctx, *a);
      };
    });
  }
}

/// Declares `ivmctl canned ...` (stored common replies).
void add_canned_commands(CLI::App& app, action& chosen) {
  auto* canned = app.add_subcommand(
      "canned", "Stored common replies for desk phones and text commands");
  auto user = std::make_shared<std::string>();
  auto* cmd = canned->add_subcommand(
      "list", "Show the box's stored replies, or a user's");
  cmd->add_option("--user", *user, "The user's own list, e.g. 201");
  cmd->callback([&chosen, user] {
    chosen = [user](const context& ctx) { return canned_list(ctx, *user); };
  });
  auto set_user = std::make_shared<std::string>();
  auto texts = std::make_shared<std::vector<std::string>>();
  cmd = canned->add_subcommand(
      "set", "Replace the list; fields {caller} {my_name} {my_extension} "
             "{time} {date} {status} are filled when sent; no TEXT clears");
  cmd->add_option("--user", *set_user, "The user's own list, e.g. 201");
  cmd->add_option("text", *texts, "The replies, in order");
  cmd->callback([&chosen, set_user, texts] {
    chosen = [set_user, texts](const context& ctx) {
      return canned_set(ctx, *set_user, *texts);
    };
  });
}

/// Declares `ivmctl rules ...` and `ivmctl profile ...` (call routing).
void add_routing_commands(CLI::App& app, action& chosen) {
  for (std::string what : {"rules", "profile"}) {
    auto* top = app.add_subcommand(
        what, what == "rules" ? "A user's call-routing rules"
                              : "A user's call-routing profile (PIN, e-mail, "
                                "destinations, working hours)");
    auto ext = std::make_shared<std::string>();
    auto* cmd = top->add_subcommand("show", "Show them");
    cmd->add_option("extension", *ext, "The user, e.g. 202")->required();
    cmd->callback([&chosen, ext, what] {
      chosen = [ext, what](const context& ctx) {
        return routing_show(ctx, *ext, what);
      };
    });
    auto set_ext = std::make_shared<std::string>();
    auto file = std::make_shared<std::string>();
    cmd = top->add_subcommand(
        "set", what == "rules"
                   ? "Replace them with a JSON file ({\"rules\":[...]}, see "
                     "docs/call-routing.md; - reads standard input)"
                   : "Change the fields a JSON file names (- reads standard "
                     "input)");
    cmd->add_option("extension", *set_ext, "The user, e.g. 202")->required();
    cmd->add_option("file", *file, "The JSON document")->required();
    cmd->callback([&chosen, set_ext, file, what] {
      chosen = [set_ext, file, what](const context& ctx) {
        return routing_set(ctx, *set_ext, what, *file);
      };
    });
    if (what != "rules")
      continue;
    auto t = std::make_shared<rules_test_args>();
    cmd = top->add_subcommand("test", "What a call would meet");
    cmd->add_option("extension", t->ext, "The user called, e.g. 202")
        ->required();
    cmd->add_option("--time", t->time,
                    "2026-12-24T10:00 (the box's time zone) or ...Z (UTC); "
                    "default now");
    cmd->add_option("--caller", t->caller, "Who calls, e.g. 201");
    cmd->add_option("--presence", t->presence,
                    "available, away, busy, dnd, on-the-phone, offline");
    cmd->add_flag("--contact", t->contact, "The caller is a contact");
    cmd->callback([&chosen, t] {
      chosen = [t](const context& ctx) { return rules_test(ctx, *t); };
    });
  }
}

} // namespace ivm::ctl
