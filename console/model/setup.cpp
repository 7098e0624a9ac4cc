// First boot: the console walks the admin through the site settings (each
// stored by the box with its own checks before the next step), the first
// admin account and, if wanted, DHCP for the phones.

#include "console/model/console_model.hpp"

#include <nlohmann/json.hpp>

namespace ivm::console {

namespace {

using json = nlohmann::json;

setup_step after(setup_step s) {
  return static_cast<setup_step>(static_cast<int>(s) + 1);
}

setup_step before(setup_step s) {
  return static_cast<setup_step>(static_cast<int>(s) - 1);
}

} // namespace

void model::on_health() {
  // A fresh box: the walk starts (once; it ends with the DHCP step).
  if (!health_.configured && step_ == setup_step::done) {
    step_ = setup_step::site;
    setup_ = setup_form{};
    load(dataset::settings);
  }
}

void model::on_settings(const settings_view& v) {
  auto& f = setup_;
  if (f.filled)
    return;
  f.site_name = v.site_name;
  f.domain = v.domain;
  f.address = v.address;
  f.time_zone = v.time_zone;
  f.dhcp_pool = suggest_pool(v.address);
  f.filled = true;
}

void model::setup_next() {
  auto& f = setup_;
  json body;
  switch (step_) {
    case setup_step::site:
      if (f.site_name.empty()) {
        say("Give the site a name, e.g. 'Berlin office'.", true);
        return;
      }
      body = {{"site_name", f.site_name}};
      break;
    case setup_step::domain:
      body = {{"domain", f.domain}};
      break;
    case setup_step::network:
      if (f.address.empty()) {
        say("Choose the address the phones reach the box at.", true);
        return;
      }
      body = {{"address", f.address}};
      break;
    case setup_step::time_zone:
      body = {{"time_zone", f.time_zone}};
      break;
    case setup_step::admin:
      create_first_admin();
      return;
    case setup_step::dhcp:
      setup_dhcp(true);
      return;
    case setup_step::done:
      return;
  }
  auto j = make("PATCH", "/api/v1/settings", body.dump());
  j.what = job::kind::setup;
  j.step = step_;
  jobs_.push_back(std::move(j));
  ++in_flight_;
  say("Saving ...", false);
}

void model::setup_back() {
  if (step_ == setup_step::site || step_ == setup_step::done)
    return;
  // The admin account, once made, is not made again.
  step_ = before(step_);
  if (step_ == setup_step::admin && health_.configured)
    step_ = setup_step::time_zone;
}

void model::setup_dhcp(bool on) {
  if (step_ != setup_step::dhcp)
    return;
  if (!on) {
    step_ = setup_step::done;
    say("The box is set up. DHCP stays off (F4 turns it on).", false);
    load(dataset::settings);
    refresh();
    return;
  }
  std::string iface;
  for (auto& i : site_.interfaces)
    for (auto& a : i.addresses)
      if (a == setup_.address)
        iface = i.name;
  if (iface.empty() || suggest_pool(setup_.address).empty()) {
    say("DHCP needs the box on a network interface's address: go back to "
        "the Network step, or skip DHCP.",
        true);
    return;
  }
  json body{
      {"enabled", true}, {"interface", iface}, {"pool", setup_.dhcp_pool}};
  if (!setup_.dhcp_router.empty())
    body["router"] = json::array({setup_.dhcp_router});
  auto j = make("PUT", "/api/v1/dhcp", body.dump());
  j.what = job::kind::setup;
  j.step = setup_step::dhcp;
  jobs_.push_back(std::move(j));
  ++in_flight_;
  say("Turning DHCP on ...", false);
}

void model::on_setup_answer(const job& j, const answer& a) {
  if (a.status < 200 || a.status >= 300) {
    say(a.status == 0 ? a.error : error_text(a.status, a.body), true);
    return;
  }
  if (j.step != step_)
    return;
  if (step_ == setup_step::dhcp) {
    step_ = setup_step::done;
    say("The box is set up, DHCP on.", false);
    load(dataset::settings);
    refresh();
    return;
  }
  step_ = after(step_);
  // Made already (a console with the box's token, or a second walk).
  if (step_ == setup_step::admin && health_.configured)
    step_ = setup_step::dhcp;
  say(std::string{"Saved. Next: "} + step_title(step_), false);
  load(dataset::settings);
}

} // namespace ivm::console
