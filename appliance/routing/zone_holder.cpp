#include "appliance/routing/zone_holder.hpp"

namespace ivm::routing {

std::string zone_holder::set(const std::string& name, const std::string& dir) {
  std::shared_ptr<const time_zone> z = std::make_shared<time_zone>();
  std::string error;
  if (!name.empty() && name != "UTC" && name != "Etc/UTC") {
    auto loaded = time_zone::load(name, dir);
    if (loaded)
      z = std::make_shared<time_zone>(std::move(*loaded));
    else
      error = loaded.error();
  }
  std::lock_guard<std::mutex> lock{mutex_};
  name_ = error.empty() && !name.empty() ? name : "UTC";
  zone_ = std::move(z);
  return error;
}

std::shared_ptr<const time_zone> zone_holder::get() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return zone_;
}

std::string zone_holder::name() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return name_;
}

} // namespace ivm::routing
