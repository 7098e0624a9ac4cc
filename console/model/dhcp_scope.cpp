// The DHCP page's scope editor: the box's scope fills the form once; a
// save sends what the admin typed (PATCH /api/v1/dhcp, the box checks it
// as it checks [dhcp]: a refusal names the field and changes nothing).

#include "console/model/console_model.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace ivm::console {

namespace {

using json = nlohmann::json;

/// "a, b,c" as ["a","b","c"] (blanks dropped).
json list_of(const std::string& text) {
  json out = json::array();
  std::string item;
  auto flush = [&] {
    auto b = item.find_first_not_of(' ');
    auto e = item.find_last_not_of(' ');
    if (b != std::string::npos)
      out.push_back(item.substr(b, e - b + 1));
    item.clear();
  };
  for (char c : text) {
    if (c == ',')
      flush();
    else
      item += c;
  }
  flush();
  return out;
}

} // namespace

dhcp_form& model::scope_form() {
  auto& f = dhcp_form_;
  if (!f.filled && loaded(dataset::dhcp)) {
    f.interface = dhcp_.interface;
    f.pool = dhcp_.pool;
    f.router = dhcp_.router;
    f.dns = dhcp_.dns;
    f.lease_time_s =
        dhcp_.lease_time_s > 0 ? std::to_string(dhcp_.lease_time_s) : "";
    f.filled = true;
  }
  return f;
}

void model::save_dhcp_scope() {
  auto& f = scope_form();
  if (f.interface.empty()) {
    say("Give the interface the phones are on (e.g. eth1).", true);
    return;
  }
  json body{{"interface", f.interface},
            {"pool", f.pool},
            {"router", list_of(f.router)},
            {"dns", list_of(f.dns)}};
  if (!f.lease_time_s.empty()) {
    bool digits =
        std::all_of(f.lease_time_s.begin(), f.lease_time_s.end(),
                    [](unsigned char c) { return c >= '0' && c <= '9'; });
    if (!digits || f.lease_time_s.size() > 9) {
      say("The lease time is a number of seconds, e.g. 3600.", true);
      return;
    }
    body["lease_time_s"] = std::stoll(f.lease_time_s);
  }
  // A refusal keeps what was typed, to be corrected in place.
  change("PATCH", "/api/v1/dhcp", body.dump(), "DHCP scope saved",
         {dataset::dhcp});
}

} // namespace ivm::console
