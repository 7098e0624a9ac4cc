#pragma once

#include <optional>
#include <string>
#include <vector>

#include "appliance/ctl/context.hpp"

namespace ivm::ctl {

/// The fields of `device add` and `device set` (unset: not sent).
struct device_fields {
  std::optional<std::string> user;
  std::optional<std::string> vendor;
  std::optional<std::string> model;
  std::optional<std::string> label;
  std::optional<std::string> firmware;
  /// Extensions for busy lamp keys, in key order.
  std::vector<std::string> line_keys;
  bool clear_line_keys = false;
  bool rotate_credentials = false;
};

/// The JSON body of `device add MAC` / `device set` (empty `mac`: set).
std::string device_body(const std::string& mac, const device_fields& f);

/// The text `device list` prints for a `GET /api/v1/devices` body and a
/// `GET /api/v1/devices/unassigned` body.
std::string format_devices(const std::string& devices,
                           const std::string& unassigned);

/// One device (`device show`, and after add/set): one "key: value" a line,
/// the SIP password when the answer carries it.
std::string format_device(const std::string& body);

// Each command returns the process exit code (see exit_code.hpp).

int device_add(const context& ctx, const std::string& mac,
               const device_fields& f);
int device_list(const context& ctx);
int device_show(const context& ctx, const std::string& mac);
int device_set(const context& ctx, const std::string& mac,
               const device_fields& f);
int device_del(const context& ctx, const std::string& mac);

} // namespace ivm::ctl
