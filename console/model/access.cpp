// The console's gate: a fresh box's first admin account, and sign-in when
// the console has no token of the box (it runs as someone who cannot read
// admin.json, or against another box).

#include "console/model/console_model.hpp"

#include <nlohmann/json.hpp>

namespace ivm::console {

namespace {

using json = nlohmann::json;

} // namespace

gate model::access() const noexcept {
  if (!loaded(dataset::health) && load_error(dataset::health).empty())
    return gate::connecting;
  if (step_ != setup_step::done)
    return gate::first_boot;
  if (loaded(dataset::health) && !health_.configured)
    return gate::first_boot;
  if (token_.empty())
    return gate::sign_in;
  return gate::open;
}

void model::sign_in() {
  auto& f = login_form_;
  if (f.name.empty() || f.password.empty()) {
    say("Give the account name and its password.", true);
    return;
  }
  auto j = make("POST", "/api/v1/session",
                json{{"name", f.name}, {"password", f.password}}.dump());
  j.token.clear();
  j.what = job::kind::sign_in;
  jobs_.push_back(std::move(j));
  ++in_flight_;
  f.password.clear();
  say("Signing in ...", false);
}

void model::create_first_admin() {
  auto& f = first_form_;
  if (f.password != f.repeat) {
    say("The two passwords differ.", true);
    return;
  }
  if (f.password.size() < 10) {
    say("The password needs at least 10 characters.", true);
    return;
  }
  auto j = make("POST", "/api/v1/admins",
                json{{"name", f.name}, {"password", f.password}}.dump());
  j.what = job::kind::first_admin;
  jobs_.push_back(std::move(j));
  ++in_flight_;
  say("Creating the account ...", false);
}

void model::on_access_answer(const job& j, const answer& a) {
  bool ok = a.status >= 200 && a.status < 300;
  if (!ok) {
    say(a.status == 0 ? a.error : error_text(a.status, a.body), true);
    return;
  }
  auto doc = json::parse(a.body, nullptr, false);
  if (j.what == job::kind::sign_in) {
    auto token = doc.is_object() ? doc.value("token", "") : std::string{};
    if (token.empty()) {
      say("The box answered the sign-in without a session.", true);
      return;
    }
    token_ = token;
    session_ = true;
    admin_ = doc.value("name", "");
    say("Signed in as " + admin_, false);
    if (step_ == setup_step::admin)
      step_ = setup_step::dhcp;
    refresh();
    return;
  }
  // The first admin exists: the box is configured now.
  auto& f = first_form_;
  say("Admin account '" + f.name + "' created", false);
  if (token_.empty()) {
    login_form_.name = f.name;
    login_form_.password = f.password;
    sign_in();
  } else if (step_ == setup_step::admin) {
    step_ = setup_step::dhcp;
  }
  f.password.clear();
  f.repeat.clear();
  sets_[static_cast<std::size_t>(dataset::health)].pending = false;
  load(dataset::health);
  refresh();
}

} // namespace ivm::console
