#include "console/model/setup_view.hpp"

#include <arpa/inet.h>
#include <nlohmann/json.hpp>

namespace ivm::console {

namespace {

using json = nlohmann::json;

std::string str(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : "";
}

} // namespace

expected<settings_view, std::string> parse_settings(std::string_view body) {
  auto doc = json::parse(body, nullptr, false);
  if (!doc.is_object())
    return unexpected(std::string{"the box sent no settings"});
  settings_view v;
  v.site_name = str(doc, "site_name");
  v.domain = str(doc, "domain");
  v.address = str(doc, "address");
  v.interface = str(doc, "interface");
  v.time_zone = str(doc, "time_zone");
  if (auto it = doc.find("utc_offset_minutes");
      it != doc.end() && it->is_number_integer())
    v.utc_offset_minutes = it->get<int>();
  if (auto it = doc.find("interfaces"); it != doc.end() && it->is_array())
    for (auto& i : *it) {
      if (!i.is_object())
        continue;
      interface_row row;
      row.name = str(i, "name");
      if (auto a = i.find("addresses"); a != i.end() && a->is_array())
        for (auto& x : *a)
          if (x.is_string())
            row.addresses.push_back(x.get<std::string>());
      v.interfaces.push_back(std::move(row));
    }
  if (auto it = doc.find("restart_needed"); it != doc.end() && it->is_array())
    for (auto& x : *it)
      if (x.is_string())
        v.restart_needed.push_back(x.get<std::string>());
  return v;
}

const char* step_title(setup_step s) {
  switch (s) {
    case setup_step::site:
      return "Site";
    case setup_step::domain:
      return "SIP domain";
    case setup_step::network:
      return "Network";
    case setup_step::time_zone:
      return "Time zone";
    case setup_step::admin:
      return "Admin account";
    case setup_step::dhcp:
      return "DHCP for the phones";
    case setup_step::done:
      break;
  }
  return "Done";
}

std::string suggest_pool(const std::string& address) {
  in_addr a{};
  if (::inet_pton(AF_INET, address.c_str(), &a) != 1)
    return {};
  auto host = ntohl(a.s_addr);
  if (host == 0 || (host >> 24) == 127)
    return {};
  auto last = host & 0xFF;
  auto net = host & 0xFFFFFF00u;
  auto first = last >= 100 && last < 200 ? 200u : 100u;
  auto end = first == 200 ? 250u : 199u;
  auto text = [](std::uint32_t x) {
    return std::to_string(x >> 24) + "." + std::to_string((x >> 16) & 0xFF) +
           "." + std::to_string((x >> 8) & 0xFF) + "." +
           std::to_string(x & 0xFF);
  };
  return text(net | first) + "-" + text(net | end);
}

} // namespace ivm::console
