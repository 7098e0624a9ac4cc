// The Groups page's actions: create a group (name, optional extension,
// members), add or remove a member of the chosen group, change its
// extension, delete it after a yes. Bad input is refused here, before
// anything is sent; the box's own checks decide the rest.

#include "console/model/console_model.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "console/client/endpoint.hpp"

namespace ivm::console {

namespace {

using json = nlohmann::json;

bool all_digits(std::string_view x) {
  return !x.empty() && std::all_of(x.begin(), x.end(), [](unsigned char c) {
    return c >= '0' && c <= '9';
  });
}

std::string group_path(const std::string& name) {
  return "/api/v1/groups/" + admin::encode_path_segment(name);
}

} // namespace

const group_row* model::selected_group() const {
  for (auto& g : groups_)
    if (g.name == group_forms_.selected)
      return &g;
  return nullptr;
}

void model::select_group(const std::string& name) {
  auto& f = group_forms_;
  if (f.selected == name)
    return;
  f.selected = name;
  f.member.clear();
  f.confirm_delete.clear();
  auto* g = selected_group();
  f.new_extension = g ? g->extension : std::string{};
}

void model::on_groups() {
  // The chosen group stays chosen while it exists; else the first one.
  auto& f = group_forms_;
  if (!f.created.empty()) { // reloaded after a group was created
    select_group(f.created);
    f.focus_member = selected_group() != nullptr;
    f.created.clear();
  }
  auto* g = selected_group();
  if (g) {
    if (f.new_extension.empty())
      f.new_extension = g->extension;
    return;
  }
  f.selected.clear();
  if (!groups_.empty())
    select_group(groups_.front().name);
}

void model::add_group() {
  auto& f = group_forms_;
  if (f.name.empty()) {
    say("name: give the group a name, e.g. sales.", true);
    return;
  }
  if (all_digits(f.name)) {
    say("name: not only digits (that is an extension); e.g. sales.", true);
    return;
  }
  if (!f.extension.empty() && !all_digits(f.extension)) {
    say("extension: digits, e.g. 600, or leave it empty.", true);
    return;
  }
  auto members = parse_member_list(f.members);
  if (!members) {
    say(members.error(), true);
    return;
  }
  json body{{"name", f.name}, {"members", *members}};
  if (!f.extension.empty())
    body["extension"] = f.extension;
  change("POST", "/api/v1/groups", body.dump(), "Group " + f.name + " added",
         {dataset::groups});
  // What comes next is most likely about this group: once listed (the
  // reload after the box said yes), it is chosen.
  f.created = f.name;
}

/// PATCHes the chosen group's members to `members` (the whole list).
void model::set_group_members(std::vector<std::string> members,
                              std::string message) {
  change("PATCH", group_path(group_forms_.selected),
         json{{"members", std::move(members)}}.dump(), std::move(message),
         {dataset::groups});
}

void model::add_group_member() {
  auto& f = group_forms_;
  auto* g = selected_group();
  if (!g) {
    say("Choose a group first (arrows, Space).", true);
    return;
  }
  if (!all_digits(f.member)) {
    say("member: the extension of a user, e.g. 201.", true);
    return;
  }
  auto& ms = g->members;
  if (std::find(ms.begin(), ms.end(), f.member) != ms.end()) {
    say("member: " + f.member + " is in " + g->name + " already.", true);
    return;
  }
  auto members = ms;
  members.push_back(f.member);
  set_group_members(std::move(members),
                    f.member + " added to group " + g->name);
  f.member.clear();
}

void model::remove_group_member() {
  auto& f = group_forms_;
  auto* g = selected_group();
  if (!g) {
    say("Choose a group first (arrows, Space).", true);
    return;
  }
  auto members = g->members;
  auto it = std::find(members.begin(), members.end(), f.member);
  if (f.member.empty() || it == members.end()) {
    say("member: " + (f.member.empty() ? std::string{"type one"} : f.member) +
            (f.member.empty() ? "" : " is not in " + g->name) +
            "; the members are listed above.",
        true);
    return;
  }
  members.erase(it);
  set_group_members(std::move(members),
                    f.member + " removed from group " + g->name);
  f.member.clear();
}

void model::set_group_extension() {
  auto& f = group_forms_;
  auto* g = selected_group();
  if (!g) {
    say("Choose a group first (arrows, Space).", true);
    return;
  }
  if (!f.new_extension.empty() && !all_digits(f.new_extension)) {
    say("extension: digits, e.g. 601, or empty for none.", true);
    return;
  }
  if (f.new_extension == g->extension) {
    say("extension: group " + g->name + " has " +
            (g->extension.empty() ? "none" : g->extension) + " already.",
        true);
    return;
  }
  change("PATCH", group_path(g->name),
         json{{"extension", f.new_extension}}.dump(),
         f.new_extension.empty()
             ? "Group " + g->name + " has no extension now"
             : "Group " + g->name + " now on extension " + f.new_extension,
         {dataset::groups});
}

void model::ask_delete_group() {
  auto* g = selected_group();
  if (!g) {
    say("Choose a group first (arrows, Space).", true);
    return;
  }
  group_forms_.confirm_delete = g->name;
}

void model::delete_group() {
  auto& f = group_forms_;
  if (f.confirm_delete.empty())
    return; // nothing asked: a stray key does not delete
  auto name = std::move(f.confirm_delete);
  f.confirm_delete.clear();
  change("DELETE", group_path(name), {}, "Group " + name + " deleted",
         {dataset::groups});
}

void model::keep_group() {
  group_forms_.confirm_delete.clear();
}

} // namespace ivm::console
