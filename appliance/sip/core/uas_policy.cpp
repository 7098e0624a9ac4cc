#include "appliance/sip/core/uas_policy.hpp"

#include <algorithm>
#include <cctype>
#include <random>

#include "appliance/sip/header_name.hpp"
#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/response.hpp"
#include "appliance/sip/uri.hpp"

namespace ivm::sip::core {

namespace {

// Option tags the box understands in Require (none yet).
bool supported_option(std::string_view tag) {
  (void)tag;
  return false;
}

// Methods the box answers itself.
bool implemented(const std::string& method, const uas_config& cfg) {
  return method == "OPTIONS" || (cfg.directory && method == "REGISTER");
}

bool is_local_host(const uri& u, const uas_config& cfg) {
  auto host = u.host;
  if (!host.empty() && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (iequals(host, cfg.domain))
    return true;
  return std::any_of(cfg.local_hosts.begin(), cfg.local_hosts.end(),
                     [&](const std::string& h) { return iequals(h, host); });
}

// Content types the box can take in a body, per method.
bool acceptable_body(const message& req) {
  if (req.body.empty())
    return true;
  auto ct = req.find(header_id::content_type);
  if (!ct)
    return true; // RFC 3261 §7.4.1: type defaults are not ours to enforce
  auto mt = parse_content_type(ct->value);
  if (!mt)
    return false;
  auto type = mt->type + "/" + mt->subtype;
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  const auto& m = req.method;
  if (m == "INVITE" || m == "ACK" || m == "UPDATE" || m == "PRACK")
    return type == "application/sdp" || type == "multipart/mixed" ||
           type == "multipart/alternative";
  return true;
}

// Does the Accept header allow an application/sdp answer (INVITE only)?
bool accepts_sdp(const message& req) {
  if (req.method != "INVITE" || req.count(header_id::accept) == 0)
    return true;
  for (auto v : req.values("Accept")) {
    auto semi = v.find(';');
    auto range = v.substr(0, semi);
    while (!range.empty() && (range.back() == ' ' || range.back() == '\t'))
      range.remove_suffix(1);
    if (range.empty() || iequals(range, "application/sdp") ||
        iequals(range, "application/*") || range == "*/*")
      return true;
  }
  return false;
}

std::vector<std::string> unsupported_tags(const message& req, bool proxied) {
  std::vector<std::string> out;
  if (req.method == "ACK" || req.method == "CANCEL")
    return out; // §8.2.2.3
  for (auto name : {"Require", "Proxy-Require"}) {
    if (proxied && std::string_view{name} == "Require")
      continue; // §16.3: Require is for the UAS

    for (auto v : req.values(name)) {
      std::string tag{v};
      if (!tag.empty() && !supported_option(tag) &&
          std::find(out.begin(), out.end(), tag) == out.end())
        out.push_back(tag);
    }
  }
  return out;
}

} // namespace

const std::string& allow_header(const uas_config& cfg) {
  static const std::string basic = "OPTIONS, ACK, CANCEL";
  static const std::string full = "OPTIONS, ACK, CANCEL, REGISTER, MESSAGE, "
                                  "SUBSCRIBE, PUBLISH, INVITE, BYE";
  return cfg.directory ? full : basic;
}

bool is_known_method(const std::string& m) {
  static const char* known[] = {"INVITE",    "ACK",     "BYE",    "CANCEL",
                                "REGISTER",  "OPTIONS", "INFO",   "PRACK",
                                "SUBSCRIBE", "NOTIFY",  "UPDATE", "MESSAGE",
                                "REFER",     "PUBLISH"};
  return std::any_of(std::begin(known), std::end(known),
                     [&](const char* k) { return m == k; });
}

std::optional<uas_answer> decide(const message& req, const uas_config& cfg) {
  if (req.method == "ACK")
    return std::nullopt;
  auto ruri = parse_uri(req.request_uri);
  if (!ruri)
    return uas_answer{400, "Bad Request-URI", {}};
  // 416: only SIP, SIPS and tel URIs are served (RFC 4475 §3.3.2, §3.3.3).
  if (ruri->scheme != "sip" && ruri->scheme != "sips" && ruri->scheme != "tel")
    return uas_answer{416, "Unsupported URI Scheme", {}};
  // A request for a user (or another domain) is one the box would forward.
  bool for_box = ruri->is_sip() && !ruri->has_user && is_local_host(*ruri, cfg);
  if (!for_box) {
    if (auto mf = req.find(header_id::max_forwards)) {
      auto hops = parse_max_forwards(mf->value);
      if (hops && *hops == 0)
        return uas_answer{483, "Too Many Hops", {}}; // RFC 3261 §16.3
    }
  }
  bool to_local_user = cfg.directory && ruri->is_sip() && ruri->has_user &&
                       is_local_host(*ruri, cfg);
  bool proxied = to_local_user && req.method == "INVITE";
  // 420 (RFC 3261 §8.2.2.3, RFC 4475 §3.3.5).
  if (auto tags = unsupported_tags(req, proxied); !tags.empty()) {
    std::string list;
    for (auto& t : tags)
      list += (list.empty() ? "" : ", ") + t;
    return uas_answer{420, "Bad Extension", {{"Unsupported", list}}};
  }
  // 501 (RFC 3261 §8.2.1).
  if (!is_known_method(req.method))
    return uas_answer{501, "Not Implemented", {{"Allow", allow_header(cfg)}}};
  // 415 and 406 (RFC 3261 §8.2.3, RFC 4475 §3.3.6, §3.3.15).
  if (!acceptable_body(req))
    return uas_answer{
        415, "Unsupported Media Type", {{"Accept", "application/sdp"}}};
  if (!accepts_sdp(req))
    return uas_answer{
        406,
        "Not Acceptable",
        {{"Warning", "399 ivm \"only application/sdp answers\""}}};
  if (to_local_user && req.method == "MESSAGE")
    return uas_answer{0, {}, {}, service::messaging};
  if (to_local_user && (req.method == "SUBSCRIBE" || req.method == "PUBLISH"))
    return uas_answer{0, {}, {}, service::presence};
  if (proxied)
    return uas_answer{0, {}, {}, service::proxy};
  if (to_local_user) {
    // A stray in-dialog request (no dialog of the box or through it matched
    // before this): RFC 3261 §12.2.2, whoever the target.
    if (auto to = parse_name_addr(req.value_of("To")); to && to->tag())
      return uas_answer{481, "Call/Transaction Does Not Exist", {}};
    return uas_answer{0, {}, {}, service::user};
  }
  if (!for_box)
    return uas_answer{404, "Not Found", {}};
  if (!implemented(req.method, cfg))
    return uas_answer{
        405, "Method Not Allowed", {{"Allow", allow_header(cfg)}}};
  if (req.method == "REGISTER")
    return uas_answer{0, {}, {}, service::registrar};
  // OPTIONS to the box (RFC 3261 §11.2).
  return uas_answer{200,
                    "OK",
                    {{"Allow", allow_header(cfg)},
                     {"Accept", "application/sdp, text/plain, message/cpim"},
                     {"Accept-Encoding", "identity"},
                     {"Accept-Language", "en"},
                     {"Supported", ""}}};
}

message build_response(const message& req, const uas_answer& answer,
                       const std::string& to_tag, const uas_config& cfg) {
  auto resp = make_response(req, answer.code, answer.reason, to_tag);
  for (auto& [k, v] : answer.headers)
    resp.add(k, v);
  resp.add("Server", cfg.server);
  return resp;
}

std::string random_tag() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char hex[] = "0123456789abcdef";
  auto v = rng();
  std::string out(16, '0');
  for (auto& c : out) {
    c = hex[v & 0xf];
    v >>= 4;
  }
  return out;
}

} // namespace ivm::sip::core
