// The Users page's edits of the chosen user: a new name, a new password
// (typed twice; both must match here, the box's rules decide the rest).

#include "console/model/console_model.hpp"

#include <nlohmann/json.hpp>

#include "console/client/endpoint.hpp"

namespace ivm::console {

namespace {

using json = nlohmann::json;

} // namespace

const user_row* model::selected_user() const {
  for (auto& u : users_)
    if (u.extension == user_edit_.selected)
      return &u;
  return nullptr;
}

void model::select_user(const std::string& extension) {
  auto& f = user_edit_;
  if (f.selected == extension)
    return;
  f.selected = extension;
  f.password.clear();
  f.repeat.clear();
  auto* u = selected_user();
  f.name = u ? u->name : std::string{};
}

void model::on_users() {
  // The chosen user stays chosen while there; else the first one.
  if (selected_user())
    return;
  user_edit_.selected.clear();
  if (!users_.empty())
    select_user(users_.front().extension);
}

void model::rename_user() {
  auto* u = selected_user();
  if (!u) {
    say("Choose a user first (arrows, Space).", true);
    return;
  }
  auto& f = user_edit_;
  if (f.name == u->name) {
    say("name: user " + u->extension + " is called that already.", true);
    return;
  }
  change("PATCH", "/api/v1/users/" + admin::encode_path_segment(u->extension),
         json{{"name", f.name}}.dump(),
         "User " + u->extension + " renamed to '" + f.name + "'",
         {dataset::users});
}

void model::set_user_password() {
  auto* u = selected_user();
  if (!u) {
    say("Choose a user first (arrows, Space).", true);
    return;
  }
  auto& f = user_edit_;
  if (f.password.empty()) {
    say("password: type the new password, then once more.", true);
    return;
  }
  if (f.password != f.repeat) {
    say("password: the two entries differ; type both again.", true);
    f.password.clear();
    f.repeat.clear();
    return;
  }
  change("PATCH", "/api/v1/users/" + admin::encode_path_segment(u->extension),
         json{{"password", f.password}}.dump(),
         "Password of user " + u->extension + " changed", {dataset::users});
  f.password.clear();
  f.repeat.clear();
}

} // namespace ivm::console
