#include "appliance/main/site_settings.hpp"
#include "appliance/main/settings_parse.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <ifaddrs.h>
#include <iterator>
#include <map>
#include <netinet/in.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

namespace ivm::app {

namespace {

using detail::err;
using json = nlohmann::json;

bool is_ipv4(const std::string& text) {
  in_addr a{};
  return ::inet_pton(AF_INET, text.c_str(), &a) == 1;
}

bool valid_zone_name(std::string_view z) {
  if (z.empty() || z.size() > 64 || z.front() == '/' || z.back() == '/')
    return false;
  if (z.find("//") != std::string_view::npos ||
      z.find("/.") != std::string_view::npos || z.front() == '.')
    return false;
  return std::all_of(z.begin(), z.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '/' || c == '_' || c == '+' || c == '-';
  });
}

/// Minutes east of UTC from a POSIX TZ rule ("CET-1CEST,M3.5.0,...",
/// "<+0530>-5:30", "UTC0"): its standard offset.
std::optional<int> posix_offset(std::string_view rule) {
  std::size_t i = 0;
  if (i < rule.size() && rule[i] == '<') {
    auto close = rule.find('>');
    if (close == std::string_view::npos)
      return std::nullopt;
    i = close + 1;
  } else {
    while (i < rule.size() && std::isalpha(static_cast<unsigned char>(rule[i])))
      ++i;
  }
  if (i == 0 || i >= rule.size())
    return std::nullopt;
  int sign = 1;
  if (rule[i] == '+' || rule[i] == '-')
    sign = rule[i++] == '-' ? -1 : 1;
  int parts[3] = {0, 0, 0};
  for (int n = 0; n < 3; ++n) {
    std::size_t start = i;
    while (i < rule.size() && std::isdigit(static_cast<unsigned char>(rule[i])))
      parts[n] = parts[n] * 10 + (rule[i++] - '0');
    if (i == start || parts[n] > 167)
      return std::nullopt;
    if (i >= rule.size() || rule[i] != ':')
      break;
    ++i;
  }
  // POSIX counts west of Greenwich as positive.
  return -sign * (parts[0] * 60 + parts[1]);
}

std::string toml_string(const std::string& s) {
  std::ostringstream os;
  os << toml::value<std::string>{s};
  return os.str();
}

} // namespace

site_values merge(site_values base, const site_values& over) {
  if (over.site_name)
    base.site_name = over.site_name;
  if (over.domain)
    base.domain = over.domain;
  if (over.address)
    base.address = over.address;
  if (over.time_zone)
    base.time_zone = over.time_zone;
  return base;
}

std::vector<site_values> split(const site_values& v) {
  std::vector<site_values> out;
  if (v.site_name)
    out.emplace_back().site_name = v.site_name;
  if (v.domain)
    out.emplace_back().domain = v.domain;
  if (v.address)
    out.emplace_back().address = v.address;
  if (v.time_zone)
    out.emplace_back().time_zone = v.time_zone;
  return out;
}

std::vector<interface_info> ipv4_interfaces() {
  std::map<std::string, interface_info> found;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0)
    return {};
  for (auto* it = list; it != nullptr; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != AF_INET)
      continue;
    char text[INET_ADDRSTRLEN] = {};
    auto* sin = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
    if (::inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text) == nullptr)
      continue;
    auto& info = found[it->ifa_name];
    info.name = it->ifa_name;
    info.addresses.emplace_back(text);
  }
  ::freeifaddrs(list);
  std::vector<interface_info> out;
  for (auto& [name, info] : found)
    out.push_back(std::move(info));
  return out;
}

std::optional<int> zone_offset_minutes(std::string_view zone,
                                       const zone_source& zones) {
  if (zone == "UTC" || zone == "Etc/UTC")
    return 0;
  if (!valid_zone_name(zone))
    return std::nullopt;
  std::ifstream in{zones.dir / std::string{zone}, std::ios::binary};
  if (!in)
    return std::nullopt;
  std::string bytes{std::istreambuf_iterator<char>{in}, {}};
  if (bytes.size() < 44 || bytes.compare(0, 4, "TZif") != 0)
    return std::nullopt;
  // Version 2+ files end with "\n<POSIX TZ rule>\n".
  if (bytes.back() != '\n')
    return 0;
  auto start = bytes.rfind('\n', bytes.size() - 2);
  if (start == std::string::npos)
    return 0;
  auto rule =
      std::string_view{bytes}.substr(start + 1, bytes.size() - start - 2);
  return posix_offset(rule).value_or(0);
}

std::string interface_of(const std::string& address,
                         const std::vector<interface_info>& interfaces) {
  for (auto& i : interfaces)
    for (auto& a : i.addresses)
      if (a == address)
        return i.name;
  return {};
}

std::optional<config_error>
apply_site(settings& s, const site_values& v,
           const std::vector<interface_info>& interfaces,
           const zone_source& zones) {
  auto next = s;
  if (v.site_name)
    if (auto e = apply(next, "site_name", *v.site_name))
      return e;
  if (v.domain)
    if (auto e = apply(next, "domain", *v.domain))
      return e;
  if (v.address) {
    auto& a = *v.address;
    if (!is_ipv4(a))
      return err("address", "'" + a + "' is not an IPv4 address");
    bool ours = a == "0.0.0.0" || a.rfind("127.", 0) == 0 ||
                !interface_of(a, interfaces).empty();
    if (!ours)
      return err("address", a + " is not an address of this box");
    net::endpoint* eps[] = {
        &next.sip.listen, &next.sip.tls_listen, &next.provisioning.tftp_listen,
        &next.provisioning.http_listen, &next.provisioning.https_listen};
    for (auto* ep : eps)
      ep->host = a;
  }
  if (v.time_zone) {
    auto& z = *v.time_zone;
    auto offset = zone_offset_minutes(z, zones);
    if (!offset)
      return err("time_zone", "'" + z +
                                  "' is not a known time zone (an IANA name "
                                  "such as Europe/Berlin)");
    if (auto e = apply(next, "provisioning.timezone", z))
      return err("time_zone", e->what);
    next.provisioning.utc_offset_minutes = *offset;
  }
  if (auto e = validate_provisioning(next))
    return e;
  s = std::move(next);
  return std::nullopt;
}

expected<site_values, config_error>
parse_site_json(std::string_view body,
                const std::vector<interface_info>& interfaces) {
  auto doc = json::parse(body, nullptr, false);
  if (!doc.is_object())
    return unexpected(config_error{"body: not a JSON object"});
  site_values v;
  std::optional<std::string> iface;
  for (auto& [name, value] : doc.items()) {
    std::optional<std::string>* slot = name == "site_name"   ? &v.site_name
                                       : name == "domain"    ? &v.domain
                                       : name == "address"   ? &v.address
                                       : name == "time_zone" ? &v.time_zone
                                       : name == "interface" ? &iface
                                                             : nullptr;
    if (slot == nullptr) {
      // State shown by GET, accepted back (GET, edit, PATCH works).
      if (name == "interfaces" || name == "restart_needed" ||
          name == "utc_offset_minutes")
        continue;
      return unexpected(config_error{name + ": unknown setting"});
    }
    if (!value.is_string())
      return unexpected(config_error{name + ": must be a string"});
    *slot = value.get<std::string>();
  }
  if (iface && !iface->empty()) {
    const interface_info* found = nullptr;
    for (auto& i : interfaces)
      if (i.name == *iface)
        found = &i;
    if (found == nullptr || found->addresses.empty())
      return unexpected(
          config_error{"interface: '" + *iface +
                       "' is not an interface of this box with an IPv4 "
                       "address"});
    if (!v.address)
      v.address = found->addresses.front();
    else if (std::find(found->addresses.begin(), found->addresses.end(),
                       *v.address) == found->addresses.end())
      return unexpected(
          config_error{"address: " + *v.address + " is not on " + *iface});
  }
  return v;
}

std::string site_toml(const site_values& v) {
  std::string out = "# Written by the box (first boot, PATCH /api/v1/settings)."
                    "\n# Read over the configuration file at start.\n";
  auto line = [&](const char* key, const std::optional<std::string>& x) {
    if (x)
      out += std::string{key} + " = " + toml_string(*x) + "\n";
  };
  line("site_name", v.site_name);
  line("domain", v.domain);
  line("address", v.address);
  line("time_zone", v.time_zone);
  return out;
}

expected<site_values, config_error>
read_site_file(const std::filesystem::path& file) {
  site_values v;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec))
    return v;
  toml::table tbl;
  try {
    tbl = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << file.string() << ":" << e.source().begin.line << ": "
       << e.description();
    return unexpected(config_error{os.str()});
  }
  for (auto& [k, node] : tbl) {
    std::string key{k.str()};
    std::optional<std::string>* slot = key == "site_name"   ? &v.site_name
                                       : key == "domain"    ? &v.domain
                                       : key == "address"   ? &v.address
                                       : key == "time_zone" ? &v.time_zone
                                                            : nullptr;
    if (slot == nullptr)
      return unexpected(
          config_error{file.string() + ": " + key + ": unknown key"});
    auto text = node.value<std::string>();
    if (!text)
      return unexpected(
          config_error{file.string() + ": " + key + ": must be a string"});
    *slot = *text;
  }
  return v;
}

std::optional<std::string> write_site_file(const std::filesystem::path& file,
                                           const site_values& v) {
  auto text = site_toml(v);
  auto tmp = file;
  tmp += ".tmp";
  auto fail = [&](const char* what) {
    auto why =
        std::string{what} + " " + tmp.string() + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return why;
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail("cannot create");
  std::size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      ::close(fd);
      return fail("cannot write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return fail("cannot sync");
  }
  ::close(fd);
  if (::rename(tmp.c_str(), file.c_str()) != 0)
    return fail("cannot rename");
  auto dir = file.parent_path().empty() ? std::filesystem::path{"."}
                                        : file.parent_path();
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return std::nullopt;
}

} // namespace ivm::app
