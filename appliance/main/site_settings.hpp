#pragma once

// The site settings an admin sets at first boot (the console) or later
// through PATCH /api/v1/settings: the site's name, the SIP domain, the
// address the box serves phones on, the time zone. They are kept in
// `data_dir/site.toml`, which the daemon reads over its configuration file
// at start (command line flags still win). Pure but for the file and the
// interface list: no actors, no sockets.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/common/expected.hpp"
#include "appliance/main/settings.hpp"

namespace ivm::app {

/// The file in the data dir.
inline constexpr std::string_view site_file_name = "site.toml";

/// What is set (nullopt: not set, the configuration file's value stays).
struct site_values {
  std::optional<std::string> site_name;
  std::optional<std::string> domain;
  /// An IPv4 address of the box: the host of sip.listen, sip.tls_listen and
  /// the provisioning listeners (their ports stay).
  std::optional<std::string> address;
  /// An IANA zone name ("Europe/Berlin"): provisioning.timezone, with
  /// provisioning.utc_offset_minutes from the zone's standard offset.
  std::optional<std::string> time_zone;
};

/// The members of `over` that are set replace those of `base`.
site_values merge(site_values base, const site_values& over);

/// Each set member of `v` alone (to apply them one by one).
std::vector<site_values> split(const site_values& v);

/// An IPv4 interface of this machine.
struct interface_info {
  std::string name;
  std::vector<std::string> addresses;
};

/// The machine's interfaces with IPv4 addresses (getifaddrs), by name.
std::vector<interface_info> ipv4_interfaces();

/// Where the zone files are (a test may point elsewhere).
struct zone_source {
  std::filesystem::path dir = "/usr/share/zoneinfo";
};

/// The zone's standard offset from UTC in minutes (from the POSIX TZ rule
/// at the end of its TZif file), nullopt when the zone is not known.
std::optional<int> zone_offset_minutes(std::string_view zone,
                                       const zone_source& zones = {});

/// Checks every member of `v` and applies it to `s`, with the checks of
/// the configuration file's keys; `interfaces` are the box's (an address
/// must be one of them, 0.0.0.0 or loopback). Fails naming the member
/// ("address: ..."), leaving `s` unchanged.
std::optional<config_error>
apply_site(settings& s, const site_values& v,
           const std::vector<interface_info>& interfaces,
           const zone_source& zones = {});

/// A PATCH body: a JSON object with any of site_name, domain, address,
/// interface (its first address, when no address is given) and time_zone.
/// Unknown members and wrong types fail naming the member.
expected<site_values, config_error>
parse_site_json(std::string_view body,
                const std::vector<interface_info>& interfaces);

/// The name of the interface that has `address` ("" if none does).
std::string interface_of(const std::string& address,
                         const std::vector<interface_info>& interfaces);

/// site.toml's text for `v`.
std::string site_toml(const site_values& v);

/// Reads site.toml; all members unset when the file does not exist.
/// Errors name the file and the key.
expected<site_values, config_error>
read_site_file(const std::filesystem::path& file);

/// Writes site.toml durably (temporary file, fsync, rename, fsync of the
/// directory). Returns why not.
std::optional<std::string> write_site_file(const std::filesystem::path& file,
                                           const site_values& v);

} // namespace ivm::app
