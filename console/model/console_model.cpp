#include "console/model/console_model.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "console/client/endpoint.hpp"

namespace ivm::console {

namespace {

using json = nlohmann::json;

std::size_t index(dataset d) {
  return static_cast<std::size_t>(d);
}

const char* path_of(dataset d) {
  switch (d) {
    case dataset::health:
      return "/health";
    case dataset::users:
      return "/api/v1/users";
    case dataset::devices:
      return "/api/v1/devices";
    case dataset::unassigned:
      return "/api/v1/devices/unassigned";
    case dataset::dhcp:
      return "/api/v1/dhcp";
    case dataset::firmware:
      return "/api/v1/firmware";
    case dataset::settings:
      return "/api/v1/settings";
    case dataset::groups:
      return "/api/v1/groups";
    case dataset::templates:
      return "/api/v1/templates";
    case dataset::gateways:
      return "/api/v1/gateways";
    case dataset::pbx:
      return "/api/v1/pbx";
    case dataset::count_:
      break;
  }
  return "/health";
}

bool all_digits(std::string_view x) {
  return !x.empty() && std::all_of(x.begin(), x.end(), [](unsigned char c) {
    return c >= '0' && c <= '9';
  });
}

} // namespace

const std::vector<page_info>& all_pages() {
  static const std::vector<page_info> pages = {
      {page::overview, "overview", "Overview", "F1"},
      {page::users, "users", "Users", "F2"},
      {page::devices, "devices", "Phones", "F3"},
      {page::dhcp, "dhcp", "DHCP", "F4"},
      {page::firmware, "firmware", "Firmware", "F5"},
      {page::monitor, "monitor", "Monitor", "F6"},
      {page::groups, "groups", "Groups", "F7"},
      {page::templates, "templates", "Templates", "F8"},
      {page::gateways, "gateways", "Gateways", "F9"},
  };
  return pages;
}

std::optional<page> parse_page(std::string_view name) {
  for (auto& p : all_pages())
    if (name == p.name)
      return p.id;
  return std::nullopt;
}

std::vector<dataset> datasets_of(page p) {
  switch (p) {
    case page::overview:
      return {dataset::health,     dataset::users, dataset::devices,
              dataset::unassigned, dataset::dhcp,  dataset::settings};
    case page::users:
      return {dataset::health, dataset::users};
    case page::devices:
      return {dataset::health, dataset::devices, dataset::unassigned,
              dataset::users};
    case page::dhcp:
      return {dataset::health, dataset::dhcp};
    case page::firmware:
      return {dataset::health, dataset::firmware};
    case page::monitor:
      // The event stream (monitor.cpp), and the phones once: provisioned
      // vs registered.
      return {dataset::health, dataset::devices};
    case page::groups:
      return {dataset::health, dataset::groups, dataset::users};
    case page::templates:
      return {dataset::health, dataset::templates};
    case page::gateways:
      return {dataset::health, dataset::gateways, dataset::pbx, dataset::users};
  }
  return {dataset::health};
}

model::model(std::string token) : token_(std::move(token)) {
  show(page::overview);
}

job model::make(std::string method, std::string path, std::string body) {
  job j;
  j.method = std::move(method);
  j.path = std::move(path);
  j.body = std::move(body);
  j.token = token_;
  return j;
}

void model::show(page p) {
  page_ = p;
  refresh();
}

void model::refresh() {
  for (auto d : datasets_of(page_))
    load(d);
}

bool model::loaded(dataset d) const noexcept {
  return sets_[index(d)].loaded;
}

const std::string& model::load_error(dataset d) const noexcept {
  return sets_[index(d)].error;
}

bool model::settled(page p) const noexcept {
  if (access() != gate::open) {
    auto& h = sets_[index(dataset::health)];
    return !h.pending && (h.loaded || !h.error.empty());
  }
  for (auto d : datasets_of(p)) {
    auto& s = sets_[index(d)];
    if (s.pending || (!s.loaded && s.error.empty()))
      return false;
  }
  if (p == page::monitor) // and the first figures of its event stream
    return monitor_.latest() || monitor_.link() == link_state::down ||
           !load_error(dataset::health).empty();
  return true;
}

bool model::ready(page p) const noexcept {
  if (!settled(p))
    return false;
  if (access() != gate::open)
    return loaded(dataset::health);
  for (auto d : datasets_of(p))
    if (!sets_[index(d)].error.empty())
      return false;
  return p != page::monitor || monitor_.latest();
}

void model::load(dataset d) {
  auto& s = sets_[index(d)];
  if (s.pending)
    return;
  s.pending = true;
  auto j = make("GET", path_of(d));
  j.loads = d;
  jobs_.push_back(std::move(j));
  ++in_flight_;
}

void model::change(std::string method, std::string path, std::string body,
                   std::string message, std::vector<dataset> reloads) {
  auto j = make(std::move(method), std::move(path), std::move(body));
  j.done_message = std::move(message);
  j.reloads = std::move(reloads);
  jobs_.push_back(std::move(j));
  ++in_flight_;
}

void model::preselect() {
  // One step to assign: the phone to assign is chosen already, the first
  // waiting one, unless the admin chose another that is still waiting.
  auto& f = assign_form_;
  for (auto& s : unassigned_)
    if (s.mac == f.mac)
      return;
  f.mac = unassigned_.empty() ? std::string{} : unassigned_.front().mac;
}

void model::say(std::string text, bool error) {
  status_ = std::move(text);
  status_error_ = error;
}

void model::note(std::string text) {
  say(std::move(text), false);
}

void model::add_user() {
  auto& f = user_form_;
  if (!all_digits(f.extension)) {
    say("The extension must be digits, e.g. 201.", true);
    return;
  }
  if (f.password.empty()) {
    say("A password is needed: the user's phone signs in with it.", true);
    return;
  }
  json body{{"extension", f.extension}, {"password", f.password}};
  if (!f.name.empty())
    body["name"] = f.name;
  change("POST", "/api/v1/users", body.dump(), "User " + f.extension + " added",
         {dataset::users});
  f.password.clear();
}

void model::delete_user(const std::string& extension) {
  change("DELETE", "/api/v1/users/" + admin::encode_path_segment(extension), {},
         "User " + extension + " deleted",
         {dataset::users, dataset::devices, dataset::groups});
}

void model::set_user_enabled(const std::string& extension, bool enabled) {
  change("PATCH", "/api/v1/users/" + admin::encode_path_segment(extension),
         json{{"enabled", enabled}}.dump(),
         "User " + extension + (enabled ? " enabled" : " disabled"),
         {dataset::users});
}

void model::assign_device() {
  auto& f = assign_form_;
  if (f.mac.empty()) {
    say("Choose a phone first.", true);
    return;
  }
  if (!all_digits(f.user)) {
    say("Give the extension of the user whose line the phone carries.", true);
    return;
  }
  json body{{"mac", f.mac}, {"user", f.user}};
  for (auto& s : unassigned_)
    if (s.mac == f.mac) {
      if (!s.vendor.empty())
        body["vendor"] = s.vendor;
      if (!s.model.empty())
        body["model"] = s.model;
    }
  change("POST", "/api/v1/devices", body.dump(),
         "Phone " + f.mac + " assigned to " + f.user,
         {dataset::devices, dataset::unassigned});
}

void model::delete_device(const std::string& mac) {
  change("DELETE", "/api/v1/devices/" + admin::encode_path_segment(mac), {},
         "Phone " + mac + " removed; its credentials no longer work",
         {dataset::devices, dataset::unassigned});
}

void model::set_dhcp_enabled(bool enabled) {
  change("PATCH", "/api/v1/dhcp", json{{"enabled", enabled}}.dump(),
         enabled ? "DHCP on" : "DHCP off", {dataset::dhcp});
}

std::vector<job> model::take_jobs() {
  std::vector<job> out;
  out.swap(jobs_);
  return out;
}

void model::apply(const job& j, const answer& a) {
  if (in_flight_ > 0)
    --in_flight_;
  if (j.what == job::kind::setup) {
    on_setup_answer(j, a);
    return;
  }
  bool provisioning = j.what == job::kind::device_files ||
                      j.what == job::kind::template_text ||
                      j.what == job::kind::upload;
  if (j.what != job::kind::plain && !provisioning) {
    on_access_answer(j, a);
    return;
  }
  if (a.status == 401 && session_ && j.token == token_) {
    // The session ended (timeout, password changed, box restarted).
    token_.clear();
    admin_.clear();
    say("Your session ended: sign in again.", true);
  }
  if (provisioning) {
    on_provisioning_answer(j, a);
    return;
  }
  if (j.loads) {
    auto d = *j.loads;
    auto& s = sets_[index(d)];
    s.pending = false;
    if (d == dataset::health) {
      // /health answers 503 with a body when degraded: still data.
      health_ = make_health_view(a.status, a.body);
      s.loaded = a.status > 0;
      s.error = a.status > 0 ? "" : a.error;
      if (s.loaded)
        on_health();
      return;
    }
    if (a.status != 200) {
      s.error = a.status == 0 ? a.error : error_text(a.status, a.body);
      return;
    }
    std::optional<std::string> bad;
    auto take = [&](auto parsed, auto& into) {
      if (parsed)
        into = std::move(*parsed);
      else
        bad = parsed.error();
    };
    switch (d) {
      case dataset::users:
        take(parse_users(a.body), users_);
        on_users();
        break;
      case dataset::devices:
        take(parse_devices(a.body), devices_);
        break;
      case dataset::unassigned:
        take(parse_unassigned(a.body), unassigned_);
        preselect();
        break;
      case dataset::dhcp:
        take(parse_dhcp(a.body), dhcp_);
        break;
      case dataset::firmware:
        take(parse_firmware(a.body), firmware_);
        break;
      case dataset::groups:
        take(parse_groups(a.body), groups_);
        on_groups();
        break;
      case dataset::templates:
        take(parse_templates(a.body), templates_);
        on_templates();
        break;
      case dataset::gateways:
        take(parse_gateways(a.body), gateways_);
        on_gateways();
        break;
      case dataset::pbx:
        take(parse_pbx(a.body), pbx_);
        break;
      case dataset::settings:
        take(parse_settings(a.body), site_);
        if (!bad)
          on_settings(site_);
        break;
      case dataset::health:
      case dataset::count_:
        break;
    }
    s.loaded = !bad;
    s.error = bad.value_or("");
    return;
  }
  if (a.status >= 200 && a.status < 300) {
    say(j.done_message, false);
    if (j.acknowledges)
      monitor_.mark_acknowledged(*j.acknowledges);
    for (auto d : j.reloads)
      load(d);
    return;
  }
  say(a.status == 0 ? a.error : error_text(a.status, a.body), true);
}

} // namespace ivm::console
