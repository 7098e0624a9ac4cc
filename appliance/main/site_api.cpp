#include "appliance/main/site_api.hpp"

#include <nlohmann/json.hpp>

#include "appliance/common/log.hpp"

namespace ivm::app {

namespace {

using json = nlohmann::json;

net::http_response reply(int status, const json& body) {
  return net::http_response{status, "application/json", body.dump(), {}};
}

} // namespace

site_api::site_api(settings running, site_values stored,
                   std::filesystem::path file,
                   std::shared_ptr<actors::site_hooks> hooks)
  : started_(running), next_(std::move(running)), stored_(std::move(stored)),
    file_(std::move(file)), hooks_(std::move(hooks)) {
  // nop
}

net::http_response site_api::view(int status) const {
  auto ifs = interfaces();
  json list = json::array();
  for (auto& i : ifs)
    list.push_back({{"name", i.name}, {"addresses", i.addresses}});
  json restart = json::array();
  if (next_.domain != started_.domain)
    restart.push_back("domain");
  if (next_.sip.listen.host != started_.sip.listen.host)
    restart.push_back("address");
  return reply(status,
               {{"site_name", next_.site_name},
                {"domain", next_.domain},
                {"address", next_.sip.listen.host},
                {"interface", interface_of(next_.sip.listen.host, ifs)},
                {"time_zone", next_.provisioning.timezone},
                {"utc_offset_minutes", next_.provisioning.utc_offset_minutes},
                {"interfaces", std::move(list)},
                {"restart_needed", std::move(restart)}});
}

net::http_response site_api::handle(const net::http_request& req) {
  if (req.method == "GET" || req.method == "HEAD")
    return view(200);
  if (req.method != "PATCH") {
    auto resp = reply(405, {{"error", "method not allowed"}});
    resp.headers.emplace_back("Allow", "GET, PATCH");
    return resp;
  }
  auto ifs = interfaces();
  auto field_of = [](const std::string& what) {
    return what.substr(0, what.find(':'));
  };
  auto asked = parse_site_json(req.body, ifs);
  if (!asked) {
    auto& what = asked.error().what;
    int code = what.rfind("body:", 0) == 0 ? 400 : 422;
    return reply(code, {{"error", what}, {"field", field_of(what)}});
  }
  auto candidate = next_;
  if (auto bad = apply_site(candidate, *asked, ifs))
    return reply(422, {{"error", bad->what}, {"field", field_of(bad->what)}});
  // Durable before it is answered or used.
  auto merged = merge(stored_, *asked);
  if (auto failed = write_site_file(file_, merged)) {
    log::get("admin")->error("settings not stored: {}", *failed);
    return reply(500, {{"error", "not stored: " + *failed}});
  }
  stored_ = std::move(merged);
  bool zone_changed =
      candidate.provisioning.timezone != next_.provisioning.timezone ||
      candidate.provisioning.utc_offset_minutes !=
          next_.provisioning.utc_offset_minutes;
  next_ = std::move(candidate);
  if (zone_changed && hooks_ && hooks_->changed)
    hooks_->changed(actors::site_change{next_.provisioning.timezone,
                                        next_.provisioning.utc_offset_minutes});
  std::string names;
  for (auto& [name, value] : {std::pair{"site_name", asked->site_name},
                              {"domain", asked->domain},
                              {"address", asked->address},
                              {"time_zone", asked->time_zone}})
    if (value)
      names += std::string{names.empty() ? "" : ", "} + name + "=" + *value;
  log::get("admin")->info("site settings changed: {}", names);
  return view(200);
}

} // namespace ivm::app
