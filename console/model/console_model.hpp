#pragma once

// The console's state: which page, what each page shows, the forms, and
// the admin API requests it wants sent. The UI draws it and calls its
// actions; the app sends `take_jobs()` (on a worker thread) and feeds the
// answers back through `apply`. No ImGui, no sockets, no threads here.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "console/model/groups_view.hpp"
#include "console/model/health_view.hpp"
#include "console/model/legacy_view.hpp"
#include "console/model/monitor_view.hpp"
#include "console/model/provisioning_view.hpp"
#include "console/model/setup_view.hpp"
#include "console/model/views.hpp"

namespace ivm::console {

enum class page : std::uint8_t {
  overview,
  users,
  devices,
  dhcp,
  firmware,
  monitor,
  groups,
  templates,
  gateways
};

struct page_info {
  page id;
  const char* name;  ///< for --page and --screenshot
  const char* title; ///< shown in the navigation
  const char* key;   ///< its shortcut, "F1".."F5"
};

const std::vector<page_info>& all_pages();
std::optional<page> parse_page(std::string_view name);

/// The data sets the pages are built from.
enum class dataset : std::uint8_t {
  health,
  users,
  devices,
  unassigned,
  dhcp,
  firmware,
  settings,
  groups,
  templates,
  gateways,
  pbx,
  count_
};

/// One admin API request. `path` is absolute ("/health", "/api/v1/users").
struct job {
  std::string method;
  std::string path;
  std::string body;
  /// Bearer token to send (empty: none).
  std::string token;
  /// A sign-in (its answer carries the session token) or the first admin
  /// account (followed by a sign-in when there is no token).
  enum class kind : std::uint8_t {
    plain,
    sign_in,
    first_admin,
    setup,         ///< a step of first boot: its answer moves the walk on
    device_files,  ///< a phone's files (templates.cpp)
    template_text, ///< a template's text, or its change (templates.cpp)
    upload         ///< a firmware file from this machine (templates.cpp)
  } what = kind::plain;
  /// A local file the app sends as the body (firmware upload), read when
  /// sent; its error is the answer's.
  std::string body_file;
  /// What the answer refreshes (a GET) ...
  std::optional<dataset> loads;
  /// ... or what to say once a change succeeded, and what to reload.
  std::string done_message;
  std::vector<dataset> reloads;
  /// The first-boot step a `setup` job stores.
  setup_step step = setup_step::done;
  /// An acknowledgement of this alert (marked so once the box agreed).
  std::optional<std::uint64_t> acknowledges{};
};

/// The answer to a job: status 0 when there was none (`error` says why).
struct answer {
  int status = 0;
  std::string body;
  std::string error;
};

struct add_user_form {
  std::string extension;
  std::string name;
  std::string password;
};

/// The Users page's edit of the chosen user.
struct user_edit_form {
  std::string selected; ///< extension
  std::string name;
  std::string password;
  std::string repeat;
};

struct sign_in_form {
  std::string name = "admin";
  std::string password;
};

struct first_admin_form {
  std::string name = "admin";
  std::string password;
  std::string repeat;
};

/// What the console shows before its pages.
enum class gate : std::uint8_t {
  connecting, ///< the box has not answered /health yet: no input taken
  open,       ///< the pages
  sign_in,    ///< no token: an admin signs in
  first_boot, ///< a fresh box: make the first admin account
};

struct dhcp_form {
  std::string interface;
  std::string pool;   ///< "FIRST-LAST"
  std::string router; ///< comma-separated addresses
  std::string dns;
  std::string lease_time_s;
  bool filled = false;
};

struct assign_form {
  std::string mac;
  std::string user;
};

class model {
public:
  /// `token`: the box's token (admin.json) or empty, then an admin signs
  /// in.
  explicit model(std::string token = {});

  /// Sign-in or first boot before the pages, or the pages.
  gate access() const noexcept;
  sign_in_form& login_form() noexcept {
    return login_form_;
  }
  first_admin_form& first_form() noexcept {
    return first_form_;
  }
  void sign_in();
  void create_first_admin();

  // -- first boot (setup.cpp): site, domain, network, time zone, admin,
  // DHCP; each step stored by the box before the next is shown.
  setup_step step() const noexcept {
    return step_;
  }
  setup_form& setup() noexcept {
    return setup_;
  }
  const settings_view& site() const noexcept {
    return site_;
  }
  /// Stores the current step's value (the box checks it), then moves on.
  void setup_next();
  void setup_back();
  /// The DHCP step: turn DHCP on with the form's pool, or leave it off.
  void setup_dhcp(bool on);
  /// The signed-in admin ("" with the box's token).
  const std::string& admin() const noexcept {
    return admin_;
  }

  // -- navigation
  // --------------------------------------------------------------

  page current() const noexcept {
    return page_;
  }
  /// Shows `p` and asks for its data.
  void show(page p);
  /// Asks again for the data of the current page (and health).
  void refresh();

  // -- data
  // ---------------------------------------------------------------------

  const health_view& health() const noexcept {
    return health_;
  }
  const std::vector<user_row>& users() const noexcept {
    return users_;
  }
  const std::vector<device_row>& devices() const noexcept {
    return devices_;
  }
  const std::vector<sighting_row>& unassigned() const noexcept {
    return unassigned_;
  }
  const dhcp_view& dhcp() const noexcept {
    return dhcp_;
  }
  const std::vector<firmware_row>& firmware() const noexcept {
    return firmware_;
  }
  bool loaded(dataset d) const noexcept;
  /// Why `d` could not be loaded (empty when it was).
  const std::string& load_error(dataset d) const noexcept;
  /// Every data set of page `p` has an answer (data or error).
  bool settled(page p) const noexcept;
  /// ... and none of them failed.
  bool ready(page p) const noexcept;

  // -- actions
  // ------------------------------------------------------------------

  add_user_form& user_form() noexcept {
    return user_form_;
  }
  assign_form& device_form() noexcept {
    return assign_form_;
  }
  /// Checks the form (extension: digits) and asks to add the user.
  void add_user();
  void delete_user(const std::string& extension);
  void set_user_enabled(const std::string& extension, bool enabled);
  /// Assigns the phone `assign_form().mac` to `assign_form().user`.
  void assign_device();
  void delete_device(const std::string& mac);
  void set_dhcp_enabled(bool enabled);
  /// The DHCP page's scope editor (dhcp_scope.cpp): prefilled from the
  /// box's scope, saved with PATCH /api/v1/dhcp (the box's checks).
  dhcp_form& scope_form();
  void save_dhcp_scope();

  // -- the chosen user's name and password (users.cpp)
  user_edit_form& user_edit() noexcept {
    return user_edit_;
  }
  const user_row* selected_user() const;
  void select_user(const std::string& extension);
  void rename_user();
  /// Both entries must match; the box checks the password's rules.
  void set_user_password();

  // -- groups (groups.cpp)
  const std::vector<group_row>& groups() const noexcept {
    return groups_;
  }
  group_forms& group_form() noexcept {
    return group_forms_;
  }
  const group_row* selected_group() const;
  void select_group(const std::string& name);
  void add_group();
  void add_group_member();
  void remove_group_member();
  void set_group_extension();
  /// Deleting takes two steps: ask, then `delete_group()` or `keep_group()`.
  void ask_delete_group();
  void delete_group();
  void keep_group();

  // -- phones' files, templates, firmware upload (templates.cpp)
  /// Asks for `mac`'s files (shown on the Phones page); "" hides them.
  void show_device_files(const std::string& mac);
  const files_panel& device_files() const noexcept {
    return files_;
  }
  const std::vector<template_row>& templates() const noexcept {
    return templates_;
  }
  /// Chooses a template and asks for its text.
  void show_template(const std::string& name);
  template_panel& template_view() noexcept {
    return template_;
  }
  /// PUTs the edited text; the box checks it (a refusal names the line).
  void save_template();
  /// DELETEs the override: back to the built-in template.
  void reset_template();
  upload_form& upload() noexcept {
    return upload_;
  }
  /// PUTs the file at `upload().path` to /api/v1/firmware/<its name>.
  void upload_firmware();

  // -- media gateways and stations (legacy.cpp)
  const std::vector<pbx_row>& pbx_links() const noexcept {
    return pbx_;
  }
  const gateways_view& gateways() const noexcept {
    return gateways_;
  }
  gateway_forms& gateway_form() noexcept {
    return gateway_forms_;
  }
  const gateway_row* selected_gateway() const;
  void select_gateway(const std::string& name);
  void add_gateway();
  /// Puts `gateway_form().extension` on the chosen gateway's line
  /// `gateway_form().endpoint`.
  void add_station();
  void delete_station(const std::string& endpoint);
  /// Deleting takes two steps: ask, then `delete_gateway()` or
  /// `keep_gateway()`.
  void ask_delete_gateway();
  void delete_gateway();
  void keep_gateway();

  // -- monitoring (monitor.cpp)
  // --------------------------------------------------

  /// Stats, alerts and log tail from the event stream.
  const monitor_view& monitor() const noexcept {
    return monitor_;
  }
  /// The log tail's level filter (the page's combo).
  log_filter& log_level() noexcept {
    return log_level_;
  }
  void acknowledge_alert(std::uint64_t id);
  /// The token to hold the event stream open with while the Monitor page
  /// is shown to a signed-in admin; nullopt: no stream.
  std::optional<std::string> wanted_stream() const;
  /// What the app's stream reader saw.
  void apply_stream(const stream_news& n);

  /// The last outcome of an action, for the status line.
  const std::string& status() const noexcept {
    return status_;
  }
  bool status_is_error() const noexcept {
    return status_error_;
  }
  /// Puts the app's `text` on the status line (not an error), e.g. a
  /// certificate pinned on first use.
  void note(std::string text);

  // -- the app's side
  // -----------------------------------------------------------

  /// Requests to send, in order (emptied).
  std::vector<job> take_jobs();
  /// Applies the answer to `j`.
  void apply(const job& j, const answer& a);
  /// Requests sent but not answered.
  std::size_t in_flight() const noexcept {
    return in_flight_;
  }

private:
  void load(dataset d);
  void change(std::string method, std::string path, std::string body,
              std::string message, std::vector<dataset> reloads);
  void say(std::string text, bool error);
  void preselect();
  void on_access_answer(const job& j, const answer& a);
  void on_setup_answer(const job& j, const answer& a);
  void on_settings(const settings_view& v);
  void on_health();
  void on_users();
  void on_templates();
  void on_provisioning_answer(const job& j, const answer& a);
  void on_groups();
  void on_gateways();
  void set_group_members(std::vector<std::string> members, std::string message);
  job make(std::string method, std::string path, std::string body = {});

  page page_ = page::overview;
  health_view health_;
  std::vector<user_row> users_;
  std::vector<device_row> devices_;
  std::vector<sighting_row> unassigned_;
  dhcp_view dhcp_;
  std::vector<firmware_row> firmware_;
  std::vector<group_row> groups_;
  group_forms group_forms_;
  gateways_view gateways_;
  std::vector<pbx_row> pbx_;
  gateway_forms gateway_forms_;
  user_edit_form user_edit_;
  files_panel files_;
  std::vector<template_row> templates_;
  template_panel template_;
  upload_form upload_;
  monitor_view monitor_;
  log_filter log_level_ = log_filter::all;
  struct load_state {
    bool loaded = false;
    bool pending = false;
    std::string error;
  };
  load_state sets_[static_cast<std::size_t>(dataset::count_)];
  std::string token_;
  bool session_ = false;
  std::string admin_;
  sign_in_form login_form_;
  first_admin_form first_form_;
  settings_view site_;
  setup_step step_ = setup_step::done;
  setup_form setup_;
  add_user_form user_form_;
  assign_form assign_form_;
  dhcp_form dhcp_form_;
  std::string status_;
  bool status_error_ = false;
  std::vector<job> jobs_;
  std::size_t in_flight_ = 0;
};

/// The data sets page `p` shows.
std::vector<dataset> datasets_of(page p);

} // namespace ivm::console
