// The admin API of devices (docs/admin-api.md, Devices): validation and the
// change each request makes, pure.

#include <algorithm>
#include <cctype>

#include "appliance/directory/admin_json.hpp"
#include "appliance/directory/devices.hpp"
#include "appliance/directory/directory.hpp"
#include "appliance/directory/intake.hpp"
#include "provisioning/mac_address.hpp"
#include "provisioning/phone/user_agent.hpp"
#include "provisioning/phone/vendor.hpp"

namespace ivm::directory {

namespace {

using namespace detail;
namespace phone = provisioning::phone;

constexpr std::size_t max_line_keys = 64;

json device_json(const device& d) {
  json keys = json::array();
  for (auto& k : d.line_keys)
    keys.push_back(json{{"extension", k.extension}, {"label", k.label}});
  return json{{"mac", d.mac},
              {"user", d.extension},
              {"vendor", d.vendor},
              {"model", d.model},
              {"label", d.label},
              {"firmware", d.firmware},
              {"line_keys", keys},
              {"sip_auth_user", d.auth_user},
              {"created", iso8601(d.created_s)},
              {"changed", iso8601(d.changed_s)}};
}

/// `d` with what it did lately: registered now, its last registration and
/// file fetch.
json device_json(const device& d, const device_activity* a,
                 std::uint64_t now_s) {
  auto j = device_json(d);
  bool registered = a != nullptr && a->registered_until > now_s;
  j["registered"] = registered;
  j["last_registration"] =
      a != nullptr && a->registered_s != 0 ? iso8601(a->registered_s) : "";
  j["last_fetch"] = a != nullptr && a->fetch_s != 0 ? iso8601(a->fetch_s) : "";
  j["last_fetch_file"] = a != nullptr ? a->fetch_file : "";
  j["address"] = a != nullptr ? a->address : "";
  return j;
}

json seen_json(const seen_device& s) {
  return json{{"mac", s.mac},
              {"source", s.source},
              {"address", s.address},
              {"vendor_class", s.vendor_class},
              {"host_name", s.host_name},
              {"vendor", s.vendor},
              {"model", s.model},
              {"user_agent", s.user_agent},
              {"file", s.file},
              {"first_seen", iso8601(s.first_s)},
              {"last_seen", iso8601(s.last_s)}};
}

device_outcome to_device(admin_outcome x) {
  device_outcome out;
  out.status = x.status;
  out.body = std::move(x.body);
  return out;
}

device_outcome fail(int status, std::string text, std::string field = {}) {
  return to_device(error(status, std::move(text), std::move(field)));
}

device_outcome ok(int status, const json& body) {
  return to_device(reply(status, body));
}

std::optional<std::string> canonical_mac(std::string_view text) {
  auto mac = provisioning::mac_address::parse(text);
  if (!mac)
    return std::nullopt;
  auto s = mac->to_compact_upper();
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool printable(std::string_view s, std::size_t max) {
  return s.size() <= max && std::none_of(s.begin(), s.end(), [](char c) {
           return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
         });
}

// The fields POST and PATCH share, applied onto `d`; an error names the
// first bad one.
std::optional<device_outcome> apply_fields(const json& j, device& d,
                                           const directory& users) {
  std::optional<std::string> user, vendor, model, label, firmware;
  for (auto bad : {get_string(j, "user", user), get_string(j, "vendor", vendor),
                   get_string(j, "model", model), get_string(j, "label", label),
                   get_string(j, "firmware", firmware)})
    if (bad)
      return to_device(std::move(*bad));
  if (user) {
    if (!users.by_extension(*user))
      return fail(400, "no user " + *user, "user");
    d.extension = *user;
  }
  if (vendor) {
    auto v = phone::parse_vendor(*vendor);
    if (!v)
      return fail(400,
                  "vendor must be one of cisco, polycom, yealink, "
                  "grandstream, snom",
                  "vendor");
    d.vendor = std::string{phone::to_string(*v)};
  }
  if (model) {
    if (!model->empty() && !valid_name_token(*model))
      return fail(400, "model must be 1 to 64 of A-Z a-z 0-9 . _ -", "model");
    d.model = *model;
  }
  if (label) {
    if (!printable(*label, 128))
      return fail(400, "label must be at most 128 printable characters",
                  "label");
    d.label = *label;
  }
  if (firmware) {
    if (!firmware->empty() &&
        (!valid_name_token(*firmware) || firmware->front() == '.'))
      return fail(400, "firmware must be a file name (A-Z a-z 0-9 . _ -)",
                  "firmware");
    d.firmware = *firmware;
  }
  if (auto it = j.find("line_keys"); it != j.end()) {
    if (!it->is_array() || it->size() > max_line_keys)
      return fail(400, "line_keys must be a list of at most 64 keys",
                  "line_keys");
    std::vector<storage::records::device_line_key> keys;
    for (auto& k : *it) {
      auto ext = k.is_object() ? k.find("extension") : k.end();
      if (!k.is_object() || ext == k.end() || !ext->is_string())
        return fail(400, "each line key needs an extension", "line_keys");
      storage::records::device_line_key key;
      key.extension = ext->get<std::string>();
      if (!users.by_extension(key.extension))
        return fail(400, "line key: no user " + key.extension, "line_keys");
      if (auto l = k.find("label"); l != k.end()) {
        if (!l->is_string() || !printable(l->get<std::string>(), 64))
          return fail(400, "a line key's label is at most 64 characters",
                      "line_keys");
        key.label = l->get<std::string>();
      }
      for (auto& [name, _] : k.items())
        if (name != "extension" && name != "label")
          return fail(400, "unknown line key field '" + name + "'",
                      "line_keys");
      keys.push_back(std::move(key));
    }
    d.line_keys = std::move(keys);
  }
  return std::nullopt;
}

// Gives `d` fresh credentials; returns the password.
std::string new_credentials(device& d, const device_crypto& crypto) {
  auto password = crypto.new_password();
  d.auth_user = "dev+" + d.mac;
  d.sealed_password = crypto.seal(password, d.mac);
  return password;
}

void save(device_outcome& out, const device& d, std::string password) {
  out.batch.put(storage::family::devices, storage::records::device_key(d.mac),
                storage::records::encode(d));
  out.put.emplace_back(d, std::move(password));
}

} // namespace

std::string to_json(const device& d) {
  return device_json(d).dump();
}

device_outcome device_book::handle(std::string_view method,
                                   std::string_view rest, std::string_view body,
                                   std::uint64_t now_s, const directory& users,
                                   const device_crypto& crypto) const {
  if (rest == "/unassigned" || rest.rfind("/unassigned/", 0) == 0) {
    auto mac_text = rest.substr(std::min(rest.size(), std::size_t{12}));
    if (mac_text.empty()) {
      if (method != "GET")
        return fail(405, "use GET");
      json list = json::array();
      for (auto& [_, s] : seen_)
        list.push_back(seen_json(s));
      return ok(200, json{{"unassigned", list}});
    }
    auto mac = canonical_mac(mac_text);
    if (!mac || seen_.count(*mac) == 0)
      return fail(404, "no unassigned phone " + std::string{mac_text}, "mac");
    if (method == "GET")
      return ok(200, seen_json(seen_.find(*mac)->second));
    if (method != "DELETE")
      return fail(405, "use GET or DELETE");
    device_outcome out;
    out.status = 204;
    out.batch.del(storage::family::devices, storage::records::seen_key(*mac));
    out.unseen.push_back(*mac);
    return out;
  }
  if (rest.empty()) {
    if (method == "GET") {
      json list = json::array();
      for (auto& [_, d] : devices_)
        list.push_back(device_json(d, activity_of(d.mac), now_s));
      return ok(200, json{{"devices", list}});
    }
    if (method != "POST")
      return fail(405, "use GET or POST");
    json j;
    if (auto bad = parse_body(body,
                              {"mac", "user", "vendor", "model", "label",
                               "firmware", "line_keys"},
                              j))
      return to_device(std::move(*bad));
    std::optional<std::string> mac_text;
    if (auto bad = get_string(j, "mac", mac_text))
      return to_device(std::move(*bad));
    if (!mac_text)
      return fail(400, "mac is required", "mac");
    auto mac = canonical_mac(*mac_text);
    if (!mac)
      return fail(400, "mac must be a MAC address (00:11:22:aa:bb:cc)", "mac");
    if (devices_.count(*mac) > 0)
      return fail(409, "device " + *mac + " exists", "mac");
    if (j.find("user") == j.end())
      return fail(400, "user is required", "user");
    device d;
    d.mac = *mac;
    // What the phone told when it asked for its files or an address.
    if (auto s = seen_.find(*mac); s != seen_.end()) {
      d.vendor = s->second.vendor;
      d.model = s->second.model;
    }
    if (auto bad = apply_fields(j, d, users))
      return std::move(*bad);
    if (d.vendor.empty())
      if (auto v =
              phone::vendor_from_oui(*provisioning::mac_address::parse(d.mac)))
        d.vendor = std::string{phone::to_string(*v)};
    if (d.vendor.empty())
      return fail(400, "vendor is required: the MAC does not tell it",
                  "vendor");
    d.created_s = d.changed_s = now_s;
    auto password = new_credentials(d, crypto);
    auto shown = device_json(d);
    shown["sip_password"] = password;
    auto out = ok(201, shown);
    save(out, d, std::move(password));
    if (seen_.count(*mac) > 0) {
      out.batch.del(storage::family::devices, storage::records::seen_key(*mac));
      out.unseen.push_back(*mac);
    }
    return out;
  }
  auto mac = canonical_mac(rest.substr(1));
  auto it = mac ? devices_.find(*mac) : devices_.end();
  if (rest.find('/', 1) != std::string_view::npos || it == devices_.end())
    return fail(404, "no device " + std::string{rest.substr(1)}, "mac");
  const device& cur = it->second;
  if (method == "GET")
    return ok(200, device_json(cur, activity_of(cur.mac), now_s));
  if (method == "DELETE") {
    device_outcome out;
    out.status = 204;
    out.batch.del(storage::family::devices,
                  storage::records::device_key(cur.mac));
    out.del.push_back(cur.mac);
    out.revoked.emplace_back(cur.extension, cur.mac);
    return out;
  }
  if (method != "PATCH")
    return fail(405, "use GET, PATCH or DELETE");
  json j;
  if (auto bad = parse_body(body,
                            {"user", "vendor", "model", "label", "firmware",
                             "line_keys", "rotate_credentials"},
                            j))
    return to_device(std::move(*bad));
  std::optional<bool> rotate;
  if (auto bad = get_bool(j, "rotate_credentials", rotate))
    return to_device(std::move(*bad));
  device d = cur;
  if (auto bad = apply_fields(j, d, users))
    return std::move(*bad);
  d.changed_s = now_s;
  // A phone given to someone else gets new credentials: whoever kept the
  // old file cannot register as the new user.
  bool moved = d.extension != cur.extension;
  auto password = *password_of(cur.mac);
  device_outcome out;
  if (rotate.value_or(false) || moved) {
    password = new_credentials(d, crypto);
    out.revoked.emplace_back(cur.extension, cur.mac);
  }
  auto shown = device_json(d);
  if (rotate.value_or(false) || moved)
    shown["sip_password"] = password;
  out.status = 200;
  out.body = shown.dump();
  save(out, d, std::move(password));
  // Registered phones fetch their files again (sent before any revocation,
  // while the registration still reaches the phone).
  out.check_sync.emplace_back(cur.extension, d.mac);
  return out;
}

} // namespace ivm::directory
