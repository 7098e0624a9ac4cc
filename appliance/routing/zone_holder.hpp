#pragma once

// The box's time zone (provisioning.timezone, changed at run time through
// the site settings), shared by the actors that decide calls. Thread-safe.

#include <memory>
#include <mutex>
#include <string>

#include "appliance/routing/tz.hpp"

namespace ivm::routing {

class zone_holder {
public:
  /// Loads `name` ("" or "UTC": UTC). A zone that cannot be read leaves
  /// UTC in force; the error is returned.
  std::string set(const std::string& name,
                  const std::string& dir = "/usr/share/zoneinfo");
  std::shared_ptr<const time_zone> get() const;
  std::string name() const;

private:
  mutable std::mutex mutex_;
  std::string name_ = "UTC";
  std::shared_ptr<const time_zone> zone_ = std::make_shared<time_zone>();
};

} // namespace ivm::routing
