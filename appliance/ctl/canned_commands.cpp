#include "appliance/ctl/canned_commands.hpp"

#include <nlohmann/json.hpp>

#include "appliance/ctl/exit_code.hpp"
#include "console/client/client.hpp"
#include "console/client/endpoint.hpp"

namespace ivm::ctl {

namespace {

std::string path_of(const std::string& user) {
  return user.empty() ? std::string{"canned"}
                      : "users/" + admin::encode_path_segment(user) + "/canned";
}

} // namespace

std::string format_canned(const std::string& body, std::size_t first) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("replies") || !j["replies"].is_array())
    return body + '\n';
  if (j["replies"].empty())
    return "(no stored replies)\n";
  std::string out;
  auto n = first;
  for (auto& r : j["replies"])
    out += std::to_string(n++) + "  " +
           (r.is_string() ? r.get<std::string>() : r.dump()) + '\n';
  return out;
}

int canned_list(const context& ctx, const std::string& user) {
  auto r = ctx.api.call("GET", path_of(user));
  if (!r)
    return report(ctx, r.error());
  return print_result(ctx, r->body, format_canned(r->body));
}

int canned_set(const context& ctx, const std::string& user,
               const std::vector<std::string>& texts) {
  auto r = ctx.api.call("PUT", path_of(user),
                        nlohmann::json{{"replies", texts}}.dump());
  if (!r)
    return report(ctx, r.error());
  return print_result(
      ctx, r->body,
      (user.empty() ? std::string{"the box's"} : "user " + user + "'s") +
          " stored replies:\n" + format_canned(r->body));
}

} // namespace ivm::ctl
