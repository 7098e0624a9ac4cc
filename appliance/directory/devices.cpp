#include "appliance/directory/devices.hpp"

#include <algorithm>

#include "appliance/directory/directory.hpp"
#include "appliance/sip/digest/algorithm.hpp"
#include "provisioning/phone/vendor.hpp"

namespace ivm::directory {

namespace {

device_credential credential_of(const device& d, std::string_view password,
                                std::string_view realm) {
  using sip::digest::algorithm;
  device_credential c;
  c.mac = d.mac;
  c.extension = d.extension;
  c.ha1_md5 = sip::digest::ha1(algorithm::md5, d.auth_user, realm, password);
  c.ha1_sha256 =
      sip::digest::ha1(algorithm::sha256, d.auth_user, realm, password);
  return c;
}

bool says_more(const seen_device& old, const seen_device& now) {
  return old.address != now.address || old.source != now.source ||
         old.vendor_class != now.vendor_class ||
         old.host_name != now.host_name || old.vendor != now.vendor ||
         old.model != now.model || old.user_agent != now.user_agent ||
         old.file != now.file;
}

// Keeps what an earlier sighting learned when this one does not say it
// (a TFTP request knows no vendor class, a DHCP request no User-Agent).
void merge(seen_device& into, const seen_device& old) {
  auto keep = [](std::string& field, const std::string& before) {
    if (field.empty())
      field = before;
  };
  keep(into.address, old.address);
  keep(into.vendor_class, old.vendor_class);
  keep(into.host_name, old.host_name);
  keep(into.vendor, old.vendor);
  keep(into.model, old.model);
  keep(into.user_agent, old.user_agent);
  keep(into.file, old.file);
  into.first_s = old.first_s;
}

} // namespace

void device_book::put(device d, std::string password, std::string_view realm) {
  drop(d.mac);
  auto mac = d.mac;
  // No password (it did not open): no way in until new credentials are set.
  if (!password.empty())
    credentials_[d.auth_user] = credential_of(d, password, realm);
  secrets_[mac] = std::move(password);
  seen_.erase(mac);
  devices_[mac] = std::move(d);
}

void device_book::drop(std::string_view mac) {
  auto it = devices_.find(mac);
  if (it == devices_.end())
    return;
  credentials_.erase(it->second.auth_user);
  secrets_.erase(secrets_.find(mac));
  devices_.erase(it);
  if (auto a = activity_.find(mac); a != activity_.end())
    activity_.erase(a);
}

void device_book::load(device d, std::string password, std::string_view realm) {
  put(std::move(d), std::move(password), realm);
}

void device_book::load(seen_device s) {
  if (devices_.count(s.mac) > 0)
    return;
  auto mac = s.mac;
  seen_[mac] = std::move(s);
}

const device* device_book::by_mac(std::string_view mac) const {
  auto it = devices_.find(mac);
  return it == devices_.end() ? nullptr : &it->second;
}

const device_credential*
device_book::by_auth_user(std::string_view name) const {
  auto it = credentials_.find(name);
  return it == credentials_.end() ? nullptr : &it->second;
}

const std::string* device_book::password_of(std::string_view mac) const {
  auto it = secrets_.find(mac);
  return it == secrets_.end() ? nullptr : &it->second;
}

std::vector<std::string>
device_book::devices_of(std::string_view extension) const {
  std::vector<std::string> out;
  for (auto& [mac, d] : devices_)
    if (d.extension == extension)
      out.push_back(mac);
  return out;
}

void device_book::commit(const device_outcome& out, std::string_view realm) {
  for (auto& mac : out.del)
    drop(mac);
  for (auto& mac : out.unseen)
    seen_.erase(mac);
  for (auto& [d, password] : out.put)
    put(d, password, realm);
}

std::optional<seen_device> device_book::sighted(seen_device s,
                                                std::uint64_t now_s) {
  if (s.mac.empty() || devices_.count(s.mac) > 0)
    return std::nullopt;
  s.last_s = now_s;
  auto it = seen_.find(s.mac);
  if (it == seen_.end()) {
    if (seen_.size() >= max_seen) {
      auto oldest = std::min_element(seen_.begin(), seen_.end(),
                                     [](const auto& x, const auto& y) {
                                       return x.second.last_s < y.second.last_s;
                                     });
      seen_.erase(oldest);
    }
    s.first_s = now_s;
    seen_[s.mac] = s;
    return s;
  }
  merge(s, it->second);
  bool store = says_more(it->second, s) || it->second.last_s + 3600 <= now_s;
  if (store) {
    it->second = s;
    return s;
  }
  return std::nullopt;
}

void device_book::active(std::string_view mac, std::string_view source,
                         std::string_view file, std::string_view address,
                         std::string_view user_agent, std::uint64_t expires_s,
                         std::uint64_t now_s) {
  if (devices_.find(mac) == devices_.end())
    return;
  auto it = activity_.find(mac);
  if (it == activity_.end())
    it = activity_.emplace(std::string{mac}, device_activity{}).first;
  auto& a = it->second;
  if (!address.empty())
    a.address = std::string{address};
  if (!user_agent.empty())
    a.user_agent = std::string{user_agent};
  if (source == "register") {
    a.registered_s = now_s;
    a.registered_until = expires_s;
    return;
  }
  a.fetch_s = now_s;
  a.fetch_source = std::string{source};
  if (!file.empty())
    a.fetch_file = std::string{file};
}

const device_activity* device_book::activity_of(std::string_view mac) const {
  auto it = activity_.find(mac);
  return it == activity_.end() ? nullptr : &it->second;
}

std::optional<provisioning::phone::device_config>
device_book::config_of(std::string_view mac, const directory& users) const {
  namespace phone = provisioning::phone;
  auto d = by_mac(mac);
  auto parsed = provisioning::mac_address::parse(mac);
  if (!d || !parsed)
    return std::nullopt;
  phone::device_config cfg;
  cfg.mac = *parsed;
  cfg.vendor_id =
      phone::parse_vendor(d->vendor).value_or(phone::vendor::unknown);
  cfg.model = d->model;
  cfg.firmware = d->firmware;
  cfg.extension = d->extension;
  if (auto user = users.by_extension(d->extension))
    cfg.display_name =
        user->display_name.empty() ? user->extension : user->display_name;
  cfg.auth_user = d->auth_user;
  if (auto pw = password_of(mac))
    cfg.auth_password = *pw;
  for (auto& k : d->line_keys) {
    phone::line_key key{k.extension, k.label};
    if (key.label.empty()) {
      auto other = users.by_extension(k.extension);
      key.label = other && !other->display_name.empty() ? other->display_name
                                                        : k.extension;
    }
    cfg.line_keys.push_back(std::move(key));
  }
  return cfg;
}

} // namespace ivm::directory
