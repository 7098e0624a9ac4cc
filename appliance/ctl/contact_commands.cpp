#include "appliance/ctl/contact_commands.hpp"

#include <ostream>
#include <utility>

#include <nlohmann/json.hpp>

#include "appliance/ctl/exit_code.hpp"
#include "appliance/ctl/format.hpp"
#include "console/client/api_error.hpp"
#include "console/client/client.hpp"
#include "console/client/endpoint.hpp"

namespace ivm::ctl {

namespace {

using nlohmann::json;

/// Reads the string member `key` of `j` into `out`. A missing or null
/// member is an error only when `required`.
bool read_string(const json& j, const char* key, std::string& out,
                 bool required, const char* what, std::string& why) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (!required)
      return true;
    why = std::string{what} + " has no \"" + key + '"';
    return false;
  }
  if (!it->is_string()) {
    why = std::string{what} + " \"" + key + "\" is not a string";
    return false;
  }
  out = it->get<std::string>();
  return true;
}

std::optional<contact> contact_from_json(const json& j, std::string& why) {
  if (!j.is_object()) {
    why = "contact is not an object";
    return std::nullopt;
  }
  contact c;
  if (!read_string(j, "extension", c.extension, true, "contact", why) ||
      !read_string(j, "display_name", c.display_name, false, "contact", why))
    return std::nullopt;
  return c;
}

std::optional<watcher> watcher_from_json(const json& j, std::string& why) {
  if (!j.is_object()) {
    why = "watcher is not an object";
    return std::nullopt;
  }
  watcher w;
  if (!read_string(j, "extension", w.extension, true, "watcher", why) ||
      !read_string(j, "display_name", w.display_name, false, "watcher", why) ||
      !read_string(j, "state", w.state, true, "watcher", why))
    return std::nullopt;
  return w;
}

/// Decodes the array `key` of `doc` with `decode`; a missing or null
/// member is an empty list unless `required`.
template <class T, class Decode>
bool read_array(const json& doc, const char* key, bool required, Decode decode,
                std::vector<T>& out, std::string& why) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) {
    if (!required)
      return true;
    why = std::string{"no \""} + key + "\" array";
    return false;
  }
  if (!it->is_array()) {
    why = std::string{"\""} + key + "\" is not an array";
    return false;
  }
  for (auto& entry : *it) {
    auto value = decode(entry, why);
    if (!value)
      return false;
    out.push_back(std::move(*value));
  }
  return true;
}

std::string contacts_path(std::string_view extension) {
  return "users/" + admin::encode_path_segment(extension) + "/contacts";
}

/// "202 (Bob)", or "202" when there is no name.
std::string describe(const contact& c) {
  if (c.display_name.empty())
    return c.extension;
  return c.extension + " (" + c.display_name + ')';
}

std::string name_or_dash(const std::string& name) {
  return name.empty() ? "-" : name;
}

int bad_body(const context& ctx, int status, std::string why) {
  return report(ctx, admin::api_error{admin::api_error::kind::bad_response,
                                      status,
                                      std::move(why),
                                      {}});
}

} // namespace

std::optional<contact_lists> parse_contact_lists(std::string_view body,
                                                 std::string& why) {
  auto doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) {
    why = "body is not JSON";
    return std::nullopt;
  }
  if (!doc.is_object()) {
    why = "body is not a JSON object";
    return std::nullopt;
  }
  contact_lists lists;
  if (!read_array(doc, "contacts", true, contact_from_json, lists.contacts,
                  why) ||
      !read_array(doc, "watchers", false, watcher_from_json, lists.watchers,
                  why))
    return std::nullopt;
  return lists;
}

std::optional<contact> parse_contact(std::string_view body, std::string& why) {
  auto doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) {
    why = "body is not JSON";
    return std::nullopt;
  }
  return contact_from_json(doc, why);
}

std::string format_contact_lists(const std::string& owner,
                                 const contact_lists& lists) {
  std::string out;
  if (lists.contacts.empty()) {
    out += "contacts of " + owner + ": (none)\n";
  } else {
    out += "contacts of " + owner + ":\n";
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"EXT", "NAME"});
    for (auto& c : lists.contacts)
      rows.push_back({c.extension, name_or_dash(c.display_name)});
    out += format_table(rows);
  }
  out += '\n';
  if (lists.watchers.empty()) {
    out += "watchers of " + owner + ": (none)\n";
  } else {
    out += "watchers of " + owner + ":\n";
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"EXT", "NAME", "STATE"});
    for (auto& w : lists.watchers)
      rows.push_back({w.extension, name_or_dash(w.display_name), w.state});
    out += format_table(rows);
  }
  return out;
}

int contacts_list(const context& ctx, const std::string& extension) {
  auto r = ctx.api.call("GET", contacts_path(extension));
  if (!r)
    return report(ctx, r.error());
  std::string why;
  auto lists = parse_contact_lists(r->body, why);
  if (!lists)
    return bad_body(ctx, r->status, why);
  return print_result(ctx, r->body, format_contact_lists(extension, *lists));
}

int contacts_add(const context& ctx, const std::string& extension,
                 const std::string& other) {
  json body = {{"extension", other}};
  // `replace`: bytes that are not UTF-8 must not throw; the API rejects the
  // unknown extension instead.
  auto r =
      ctx.api.call("POST", contacts_path(extension),
                   body.dump(-1, ' ', false, json::error_handler_t::replace));
  if (!r)
    return report(ctx, r.error());
  std::string why;
  auto added = parse_contact(r->body, why);
  if (!added)
    return bad_body(ctx, r->status, why);
  // 201: added now; 200: it was already there (nothing changed).
  std::string text =
      r->status == 201
          ? "added " + describe(*added) + " to the contacts of " + extension
          : describe(*added) + " is already a contact of " + extension;
  return print_result(ctx, r->body, text + '\n');
}

int contacts_remove(const context& ctx, const std::string& extension,
                    const std::string& other) {
  auto r = ctx.api.call("DELETE", contacts_path(extension) + '/' +
                                      admin::encode_path_segment(other));
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body,
                      "removed " + other + " from the contacts of " +
                          extension + '\n');
}

} // namespace ivm::ctl
