#include "appliance/directory/directory.hpp"

#include <algorithm>
#include <ctime>

#include <nlohmann/json.hpp>

#include "appliance/directory/admin_json.hpp"
#include "appliance/directory/intake.hpp"
#include "appliance/sip/digest/algorithm.hpp"

namespace ivm::directory {

namespace {

using json = nlohmann::json;
using namespace detail;

json user_json(const account& x) {
  return json{{"extension", x.extension},
              {"username", x.username},
              {"name", x.display_name},
              {"enabled", x.enabled},
              {"created", iso8601(x.created_s)}};
}

json group_json(const group& x) {
  return json{
      {"name", x.name}, {"extension", x.extension}, {"members", x.members}};
}

} // namespace

std::string to_json(const account& x) {
  return user_json(x).dump();
}

std::string to_json(const group& x) {
  return group_json(x).dump();
}

void set_password(account& x, std::string_view password,
                  std::string_view realm) {
  using sip::digest::algorithm;
  x.realm = std::string{realm};
  x.ha1_md5 = sip::digest::ha1(algorithm::md5, x.username, realm, password);
  x.ha1_sha256 =
      sip::digest::ha1(algorithm::sha256, x.username, realm, password);
}

directory::directory(std::string realm) : realm_(std::move(realm)) {
  // nop
}

void directory::load(account x) {
  names_[x.username] = x.extension;
  auto ext = x.extension;
  accounts_[ext] = std::move(x);
}

void directory::load(group x) {
  auto name = x.name;
  if (auto it = groups_.find(name);
      it != groups_.end() && !it->second.extension.empty())
    group_numbers_.erase(it->second.extension);
  if (!x.extension.empty())
    group_numbers_[x.extension] = name;
  groups_[name] = std::move(x);
}

const account* directory::by_extension(std::string_view ext) const {
  auto it = accounts_.find(ext);
  return it == accounts_.end() ? nullptr : &it->second;
}

const account* directory::by_username(std::string_view name) const {
  auto it = names_.find(name);
  return it == names_.end() ? nullptr : by_extension(it->second);
}

target directory::resolve(std::string_view user_part) const {
  if (auto a = by_extension(user_part))
    return {a, nullptr};
  if (auto a = by_username(user_part))
    return {a, nullptr};
  if (auto it = groups_.find(user_part); it != groups_.end())
    return {nullptr, &it->second};
  if (auto it = group_numbers_.find(user_part); it != group_numbers_.end())
    return {nullptr, &groups_.at(it->second)};
  return {};
}

bool directory::number_taken(std::string_view number,
                             std::string_view except_user,
                             std::string_view except_group) const {
  // Indexed lookups: the admin API stays fast with 100,000 users.
  if (auto it = accounts_.find(number);
      it != accounts_.end() && it->first != except_user)
    return true;
  if (auto it = names_.find(number);
      it != names_.end() && it->second != except_user)
    return true;
  if (auto it = groups_.find(number);
      it != groups_.end() && it->first != except_group)
    return true;
  if (auto it = group_numbers_.find(number);
      it != group_numbers_.end() && it->second != except_group)
    return true;
  return false;
}

admin_outcome directory::handle(std::string_view method, std::string_view path,
                                std::string_view body,
                                std::uint64_t now_s) const {
  constexpr std::string_view users_path = "/api/v1/users";
  constexpr std::string_view groups_path = "/api/v1/groups";
  auto sub = [](std::string_view p, std::string_view base,
                std::string_view& rest) {
    if (p.substr(0, base.size()) != base)
      return false;
    rest = p.substr(base.size());
    if (rest.empty())
      return true;
    if (rest.front() != '/')
      return false;
    rest.remove_prefix(1);
    return !rest.empty() && rest.find('/') == std::string_view::npos;
  };
  std::string_view rest;
  if (sub(path, users_path, rest))
    return users(method, rest, body, now_s);
  if (sub(path, groups_path, rest))
    return groups(method, rest, body);
  return error(404, "no such resource: " + std::string{path});
}

admin_outcome directory::users(std::string_view method, std::string_view ext,
                               std::string_view body,
                               std::uint64_t now_s) const {
  if (ext.empty()) {
    if (method == "GET") {
      json list = json::array();
      for (auto& [_, a] : accounts_)
        list.push_back(user_json(a));
      return reply(200, json{{"users", list}});
    }
    if (method != "POST")
      return error(405, "use GET or POST");
    json j;
    if (auto bad = parse_body(
            body, {"extension", "name", "password", "username", "enabled"}, j))
      return *bad;
    std::optional<std::string> extension, name, password, username;
    std::optional<bool> enabled;
    for (auto bad :
         {get_string(j, "extension", extension), get_string(j, "name", name),
          get_string(j, "password", password),
          get_string(j, "username", username), get_bool(j, "enabled", enabled)})
      if (bad)
        return *bad;
    if (!extension)
      return error(400, "extension is required", "extension");
    if (!valid_extension(*extension))
      return error(400, "extension must be 1 to 15 digits", "extension");
    if (!password)
      return error(400, "password is required", "password");
    if (password->size() < 4 || password->size() > 128)
      return error(400, "password must be 4 to 128 characters", "password");
    if (name && !valid_display_name(*name))
      return error(400, "name must be at most 128 printable characters",
                   "name");
    account a;
    a.extension = *extension;
    a.username = username ? *username : *extension;
    if (!valid_name_token(a.username))
      return error(400, "username must be 1 to 64 of A-Z a-z 0-9 . _ -",
                   "username");
    if (accounts_.count(a.extension) > 0)
      return error(409, "user " + a.extension + " exists", "extension");
    if (number_taken(a.extension, {}, {}))
      return error(409, a.extension + " is already in use", "extension");
    if (a.username != a.extension && number_taken(a.username, {}, {}))
      return error(409, "username " + a.username + " is already in use",
                   "username");
    a.display_name = name.value_or("");
    a.enabled = enabled.value_or(true);
    a.created_s = now_s;
    set_password(a, *password, realm_);
    auto out = reply(201, user_json(a));
    out.batch.put(storage::family::accounts,
                  storage::records::account_key(a.extension),
                  storage::records::encode(a));
    out.put_accounts.push_back(std::move(a));
    return out;
  }
  auto it = accounts_.find(ext);
  if (it == accounts_.end())
    return error(404, "no user " + std::string{ext}, "extension");
  const account& cur = it->second;
  if (method == "GET")
    return reply(200, user_json(cur));
  if (method == "DELETE") {
    admin_outcome out;
    out.status = 204;
    out.batch.del(storage::family::accounts,
                  storage::records::account_key(cur.extension));
    out.del_accounts.push_back(cur.extension);
    // Leave the groups it was in.
    for (auto& [name, g] : groups_) {
      auto members = g.members;
      auto end = std::remove(members.begin(), members.end(), cur.extension);
      if (end == members.end())
        continue;
      members.erase(end, members.end());
      auto changed = g;
      changed.members = std::move(members);
      out.batch.put(storage::family::accounts,
                    storage::records::group_key(name),
                    storage::records::encode(changed));
      out.put_groups.push_back(std::move(changed));
    }
    return out;
  }
  if (method != "PATCH")
    return error(405, "use GET, PATCH or DELETE");
  json j;
  if (auto bad =
          parse_body(body, {"name", "password", "username", "enabled"}, j))
    return *bad;
  std::optional<std::string> name, password, username;
  std::optional<bool> enabled;
  for (auto bad :
       {get_string(j, "name", name), get_string(j, "password", password),
        get_string(j, "username", username), get_bool(j, "enabled", enabled)})
    if (bad)
      return *bad;
  account a = cur;
  if (name) {
    if (!valid_display_name(*name))
      return error(400, "name must be at most 128 printable characters",
                   "name");
    a.display_name = *name;
  }
  if (username && *username != a.username) {
    if (!valid_name_token(*username))
      return error(400, "username must be 1 to 64 of A-Z a-z 0-9 . _ -",
                   "username");
    if (number_taken(*username, a.extension, {}))
      return error(409, "username " + *username + " is already in use",
                   "username");
    if (!password)
      return error(400,
                   "a new username needs the password too (the digest "
                   "secrets depend on it)",
                   "password");
    a.username = *username;
  }
  if (password) {
    if (password->size() < 4 || password->size() > 128)
      return error(400, "password must be 4 to 128 characters", "password");
    set_password(a, *password, realm_);
  }
  if (enabled)
    a.enabled = *enabled;
  auto out = reply(200, user_json(a));
  out.batch.put(storage::family::accounts,
                storage::records::account_key(a.extension),
                storage::records::encode(a));
  out.put_accounts.push_back(std::move(a));
  return out;
}

admin_outcome directory::groups(std::string_view method, std::string_view name,
                                std::string_view body) const {
  auto check_members =
      [this](const json& j,
             std::vector<std::string>& out) -> std::optional<admin_outcome> {
    auto it = j.find("members");
    if (it == j.end())
      return std::nullopt;
    if (!it->is_array())
      return error(400, "members must be a list of extensions", "members");
    out.clear();
    for (auto& m : *it) {
      if (!m.is_string() || accounts_.count(m.get<std::string>()) == 0)
        return error(
            400,
            "members: " + (m.is_string() ? m.get<std::string>() : m.dump()) +
                " is not a user",
            "members");
      if (std::find(out.begin(), out.end(), m.get<std::string>()) == out.end())
        out.push_back(m.get<std::string>());
    }
    return std::nullopt;
  };
  if (name.empty()) {
    if (method == "GET") {
      json list = json::array();
      for (auto& [_, g] : groups_)
        list.push_back(group_json(g));
      return reply(200, json{{"groups", list}});
    }
    if (method != "POST")
      return error(405, "use GET or POST");
    json j;
    if (auto bad = parse_body(body, {"name", "extension", "members"}, j))
      return *bad;
    std::optional<std::string> gname, extension;
    for (auto bad :
         {get_string(j, "name", gname), get_string(j, "extension", extension)})
      if (bad)
        return *bad;
    if (!gname)
      return error(400, "name is required", "name");
    if (!valid_name_token(*gname) || all_digits(*gname))
      return error(400,
                   "name must be 1 to 64 of A-Z a-z 0-9 . _ -, not only "
                   "digits",
                   "name");
    group g;
    g.name = *gname;
    if (groups_.count(g.name) > 0)
      return error(409, "group " + g.name + " exists", "name");
    if (number_taken(g.name, {}, {}))
      return error(409, g.name + " is already in use", "name");
    if (extension && !extension->empty()) {
      if (!valid_extension(*extension))
        return error(400, "extension must be 1 to 15 digits", "extension");
      if (number_taken(*extension, {}, {}))
        return error(409, *extension + " is already in use", "extension");
      g.extension = *extension;
    }
    if (auto bad = check_members(j, g.members))
      return *bad;
    auto out = reply(201, group_json(g));
    out.batch.put(storage::family::accounts,
                  storage::records::group_key(g.name),
                  storage::records::encode(g));
    out.put_groups.push_back(std::move(g));
    return out;
  }
  auto it = groups_.find(name);
  if (it == groups_.end())
    return error(404, "no group " + std::string{name}, "name");
  if (method == "GET")
    return reply(200, group_json(it->second));
  if (method == "DELETE") {
    admin_outcome out;
    out.status = 204;
    out.batch.del(storage::family::accounts,
                  storage::records::group_key(it->first));
    out.del_groups.push_back(it->first);
    return out;
  }
  if (method != "PATCH")
    return error(405, "use GET, PATCH or DELETE");
  json j;
  if (auto bad = parse_body(body, {"extension", "members"}, j))
    return *bad;
  group g = it->second;
  std::optional<std::string> extension;
  if (auto bad = get_string(j, "extension", extension))
    return *bad;
  if (extension && *extension != g.extension) {
    if (!extension->empty() && !valid_extension(*extension))
      return error(400, "extension must be 1 to 15 digits", "extension");
    if (!extension->empty() && number_taken(*extension, {}, g.name))
      return error(409, *extension + " is already in use", "extension");
    g.extension = *extension;
  }
  if (auto bad = check_members(j, g.members))
    return *bad;
  auto out = reply(200, group_json(g));
  out.batch.put(storage::family::accounts, storage::records::group_key(g.name),
                storage::records::encode(g));
  out.put_groups.push_back(std::move(g));
  return out;
}

void directory::commit(const admin_outcome& out) {
  for (auto& ext : out.del_accounts) {
    auto it = accounts_.find(ext);
    if (it == accounts_.end())
      continue;
    names_.erase(it->second.username);
    accounts_.erase(it);
  }
  for (auto& a : out.put_accounts) {
    if (auto it = accounts_.find(a.extension); it != accounts_.end())
      names_.erase(it->second.username);
    load(a);
  }
  for (auto& name : out.del_groups) {
    if (auto it = groups_.find(name); it != groups_.end()) {
      if (!it->second.extension.empty())
        group_numbers_.erase(it->second.extension);
      groups_.erase(it);
    }
  }
  for (auto& g : out.put_groups)
    load(g);
}

} // namespace ivm::directory
