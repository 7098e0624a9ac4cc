#include "console/client/client.hpp"

#include <nlohmann/json.hpp>

#include "console/client/json_codec.hpp"

namespace ivm::admin {

namespace {

using nlohmann::json;

api_error bad_response(int status, std::string why) {
  return api_error{api_error::kind::bad_response, status, std::move(why), {}};
}

/// Turns an error status into an api_error, using `{"error","field"}` when
/// the body has them.
api_error rejection(const http_response& resp) {
  api_error err{api_error::kind::rejected, resp.status, {}, {}};
  auto doc = json::parse(resp.body, nullptr, false);
  if (!doc.is_discarded() && doc.is_object()) {
    if (auto it = doc.find("error"); it != doc.end() && it->is_string())
      err.message = it->get<std::string>();
    if (auto it = doc.find("field"); it != doc.end() && it->is_string())
      err.field = it->get<std::string>();
  }
  if (err.message.empty()) {
    err.message = "HTTP " + std::to_string(resp.status);
    if (!resp.reason.empty())
      err.message += ' ' + resp.reason;
  }
  return err;
}

expected<json, api_error> parse_body(const http_response& resp) {
  auto doc = json::parse(resp.body, nullptr, false);
  if (doc.is_discarded())
    return unexpected(bad_response(resp.status, "body is not JSON"));
  return doc;
}

/// Decodes one object with `decode` (user_from_json or group_from_json).
template <class T, class Decode>
result<T> decode_one(expected<http_response, api_error> resp, Decode decode) {
  if (!resp)
    return unexpected(resp.error());
  auto doc = parse_body(*resp);
  if (!doc)
    return unexpected(doc.error());
  std::string why;
  auto value = decode(*doc, why);
  if (!value)
    return unexpected(bad_response(resp->status, why));
  return reply<T>{std::move(*value), std::move(resp->body)};
}

/// Decodes `{"<key>": [...]}` with `decode`.
template <class T, class Decode>
result<std::vector<T>> decode_list(expected<http_response, api_error> resp,
                                   const char* key, Decode decode) {
  if (!resp)
    return unexpected(resp.error());
  auto doc = parse_body(*resp);
  if (!doc)
    return unexpected(doc.error());
  auto it = doc->is_object() ? doc->find(key) : doc->end();
  if (it == doc->end() || !it->is_array())
    return unexpected(
        bad_response(resp->status, std::string{"no \""} + key + "\" array"));
  std::vector<T> items;
  for (auto& entry : *it) {
    std::string why;
    auto value = decode(entry, why);
    if (!value)
      return unexpected(bad_response(resp->status, why));
    items.push_back(std::move(*value));
  }
  return reply<std::vector<T>>{std::move(items), std::move(resp->body)};
}

result<std::monostate> no_content(expected<http_response, api_error> resp) {
  if (!resp)
    return unexpected(resp.error());
  return reply<std::monostate>{{}, std::move(resp->body)};
}

std::string users_path(std::string_view ext) {
  return "users/" + encode_path_segment(ext);
}

std::string groups_path(std::string_view name) {
  return "groups/" + encode_path_segment(name);
}

} // namespace

client::client(endpoint ep, timeouts limits, notice_fn notice)
  : ep_(std::move(ep)), limits_(limits), notice_(std::move(notice)) {
  // nop
}

expected<http_response, api_error>
client::call(std::string_view method, std::string_view path, std::string body) {
  http_request req;
  req.method = std::string{method};
  req.target = ep_.base_path + "/api/v1/" + std::string{path};
  auto host =
      ep_.host.find(':') == std::string::npos ? ep_.host : '[' + ep_.host + ']';
  req.headers = {{"Host", host + ':' + std::to_string(ep_.port)},
                 {"Authorization", "Bearer " + ep_.token},
                 {"Accept", "application/json"},
                 {"User-Agent", "ivm-admin-client"},
                 {"Connection", "close"}};
  if (!body.empty())
    req.headers.emplace_back("Content-Type", "application/json");
  req.body = std::move(body);
  auto resp = exchange(ep_, req, limits_, notice_);
  if (!resp)
    return unexpected(
        api_error{api_error::kind::unreachable, 0, resp.error(), {}});
  if (resp->status < 200 || resp->status > 299)
    return unexpected(rejection(*resp));
  return std::move(*resp);
}

result<std::vector<user>> client::list_users() {
  return decode_list<user>(call("GET", "users"), "users",
                           detail::user_from_json);
}

result<user> client::get_user(std::string_view extension) {
  return decode_one<user>(call("GET", users_path(extension)),
                          detail::user_from_json);
}

result<user> client::add_user(const new_user& u) {
  return decode_one<user>(call("POST", "users", detail::to_json(u).dump()),
                          detail::user_from_json);
}

result<user> client::update_user(std::string_view extension,
                                 const user_update& changes) {
  return decode_one<user>(
      call("PATCH", users_path(extension), detail::to_json(changes).dump()),
      detail::user_from_json);
}

result<std::monostate> client::delete_user(std::string_view extension) {
  return no_content(call("DELETE", users_path(extension)));
}

result<std::vector<group>> client::list_groups() {
  return decode_list<group>(call("GET", "groups"), "groups",
                            detail::group_from_json);
}

result<group> client::get_group(std::string_view name) {
  return decode_one<group>(call("GET", groups_path(name)),
                           detail::group_from_json);
}

result<group> client::add_group(const new_group& g) {
  return decode_one<group>(call("POST", "groups", detail::to_json(g).dump()),
                           detail::group_from_json);
}

result<group> client::update_group(std::string_view name,
                                   const group_update& changes) {
  return decode_one<group>(
      call("PATCH", groups_path(name), detail::to_json(changes).dump()),
      detail::group_from_json);
}

result<std::monostate> client::delete_group(std::string_view name) {
  return no_content(call("DELETE", groups_path(name)));
}

} // namespace ivm::admin
