#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provisioning/phone/device_config.hpp"
#include "storage/records/devices.hpp"
#include "storage/store.hpp"

namespace ivm::directory {

class directory;

using storage::records::device;
using storage::records::seen_device;

/// What the device API needs from outside pure code: fresh passwords and
/// sealing under the box key.
struct device_crypto {
  /// A new random SIP password for a device.
  std::function<std::string()> new_password;
  /// Seals `password` for the device `mac` (stored in the record).
  std::function<std::string(std::string_view password, std::string_view mac)>
      seal;
};

/// A device's own SIP credentials, as the authenticator sees them.
struct device_credential {
  std::string mac;
  std::string extension; ///< the user it registers as
  std::string ha1_md5;
  std::string ha1_sha256;
};

/// An answer of the device API and what to change once `batch` is durable.
struct device_outcome {
  int status = 200;
  std::string body; ///< JSON
  storage::write_batch batch;
  /// Saved devices with their passwords in clear.
  std::vector<std::pair<device, std::string>> put;
  std::vector<std::string> del;    ///< devices removed (MACs)
  std::vector<std::string> unseen; ///< sightings now devices, or dismissed
  /// Phones to send `check-sync` (their configuration changed), as
  /// (extension registered as, MAC); sent before `revoked` is carried out.
  std::vector<std::pair<std::string, std::string>> check_sync;
  /// Phones whose credentials ended, as (extension, MAC): drop the
  /// registrations made with them.
  std::vector<std::pair<std::string, std::string>> revoked;
};

/// What a provisioned phone did lately (since the box started): the
/// monitoring's "registered vs provisioned", last registration, last
/// configuration fetch.
struct device_activity {
  std::uint64_t fetch_s = 0; ///< its last file request (Unix time)
  std::string fetch_file;
  std::string fetch_source;           ///< "tftp", "http", "dhcp"
  std::string address;                ///< where it was last heard from
  std::uint64_t registered_s = 0;     ///< its last REGISTER
  std::uint64_t registered_until = 0; ///< when that registration ends
  std::string user_agent;
};

/// The box's phones (issue 11): device records with their own SIP
/// credentials, and the phones heard of that are not devices yet. Changed
/// only through `handle` + `commit`, like the directory.
class device_book {
public:
  /// Most sightings kept: a flood of made-up MACs evicts the oldest.
  static constexpr std::size_t max_seen = 1000;

  /// Loads a stored device with its password opened (at start).
  void load(device d, std::string password, std::string_view realm);
  void load(seen_device s);

  const device* by_mac(std::string_view mac) const;
  const device_credential* by_auth_user(std::string_view name) const;
  /// The password of the device `mac` in clear (for its files).
  const std::string* password_of(std::string_view mac) const;
  /// The MACs of the devices carrying `extension`'s line.
  std::vector<std::string> devices_of(std::string_view extension) const;
  const std::map<std::string, device, std::less<>>& devices() const {
    return devices_;
  }
  const std::map<std::string, seen_device, std::less<>>& seen() const {
    return seen_;
  }

  /// Handles `/api/v1/devices[/...]` (`rest`: what follows
  /// "/api/v1/devices", "" or "/MAC" or "/unassigned[/MAC]").
  device_outcome handle(std::string_view method, std::string_view rest,
                        std::string_view body, std::uint64_t now_s,
                        const directory& users,
                        const device_crypto& crypto) const;

  /// Applies an outcome once its batch is durable.
  void commit(const device_outcome& out, std::string_view realm);

  /// A phone was heard of. Returns the record to store when it is new or
  /// says something new (or was last stored over an hour ago); nullopt when
  /// it is a device already or nothing changed. Updates memory either way.
  std::optional<seen_device> sighted(seen_device s, std::uint64_t now_s);

  /// A provisioned phone fetched `file` (source "tftp", "http", "dhcp") or
  /// registered (source "register", until `expires_s`). Ignored for a MAC
  /// that is no device.
  void active(std::string_view mac, std::string_view source,
              std::string_view file, std::string_view address,
              std::string_view user_agent, std::uint64_t expires_s,
              std::uint64_t now_s);
  const device_activity* activity_of(std::string_view mac) const;

  /// The device's line as the phone's files need it (no box-wide fields);
  /// nullopt for an unknown MAC.
  std::optional<provisioning::phone::device_config>
  config_of(std::string_view mac, const directory& users) const;

private:
  void put(device d, std::string password, std::string_view realm);
  void drop(std::string_view mac);

  std::map<std::string, device, std::less<>> devices_;      // by MAC
  std::map<std::string, std::string, std::less<>> secrets_; // MAC -> password
  std::map<std::string, device_credential, std::less<>> credentials_;
  std::map<std::string, seen_device, std::less<>> seen_;
  std::map<std::string, device_activity, std::less<>> activity_; // by MAC
};

/// The device as the admin API shows it (no password).
std::string to_json(const device& d);

} // namespace ivm::directory
