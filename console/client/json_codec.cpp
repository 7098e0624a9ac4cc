#include "console/client/json_codec.hpp"

namespace ivm::admin::detail {

namespace {

/// Copies a string member; false when present with another type or when
/// required and absent.
bool read_string(const nlohmann::json& j, const char* key, std::string& out,
                 bool required, std::string& why) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required)
      why = std::string{"missing \""} + key + '"';
    return !required;
  }
  if (!it->is_string()) {
    why = std::string{"\""} + key + "\" is not a string";
    return false;
  }
  out = it->get<std::string>();
  return true;
}

} // namespace

nlohmann::json to_json(const new_user& x) {
  nlohmann::json j{{"extension", x.extension},
                   {"name", x.name},
                   {"password", x.password},
                   {"enabled", x.enabled}};
  if (x.username)
    j["username"] = *x.username;
  return j;
}

nlohmann::json to_json(const user_update& x) {
  auto j = nlohmann::json::object();
  if (x.name)
    j["name"] = *x.name;
  if (x.password)
    j["password"] = *x.password;
  if (x.username)
    j["username"] = *x.username;
  if (x.enabled)
    j["enabled"] = *x.enabled;
  return j;
}

nlohmann::json to_json(const new_group& x) {
  nlohmann::json j{{"name", x.name}, {"members", x.members}};
  if (x.extension)
    j["extension"] = *x.extension;
  return j;
}

nlohmann::json to_json(const group_update& x) {
  auto j = nlohmann::json::object();
  if (x.members)
    j["members"] = *x.members;
  if (x.extension)
    j["extension"] = *x.extension;
  return j;
}

std::optional<user> user_from_json(const nlohmann::json& j, std::string& why) {
  if (!j.is_object()) {
    why = "user is not an object";
    return std::nullopt;
  }
  user u;
  if (!read_string(j, "extension", u.extension, true, why) ||
      !read_string(j, "username", u.username, false, why) ||
      !read_string(j, "name", u.name, false, why) ||
      !read_string(j, "created", u.created, false, why))
    return std::nullopt;
  if (auto it = j.find("enabled"); it != j.end()) {
    if (!it->is_boolean()) {
      why = "\"enabled\" is not a boolean";
      return std::nullopt;
    }
    u.enabled = it->get<bool>();
  }
  return u;
}

std::optional<group> group_from_json(const nlohmann::json& j,
                                     std::string& why) {
  if (!j.is_object()) {
    why = "group is not an object";
    return std::nullopt;
  }
  group g;
  if (!read_string(j, "name", g.name, true, why) ||
      !read_string(j, "extension", g.extension, false, why))
    return std::nullopt;
  if (auto it = j.find("members"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) {
      why = "\"members\" is not an array";
      return std::nullopt;
    }
    for (auto& m : *it) {
      if (!m.is_string()) {
        why = "a member is not a string";
        return std::nullopt;
      }
      g.members.push_back(m.get<std::string>());
    }
  }
  return g;
}

} // namespace ivm::admin::detail
