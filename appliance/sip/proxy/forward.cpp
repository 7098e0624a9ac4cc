#include "appliance/sip/proxy/forward.hpp"

#include <cctype>

#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/via.hpp"

namespace ivm::sip::proxy {

namespace {

bool iequals(std::string_view x, std::string_view y) {
  if (x.size() != y.size())
    return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(x[i])) !=
        std::tolower(static_cast<unsigned char>(y[i])))
      return false;
  return true;
}

proxy_error fail(proxy_errc code, int status, std::string reason) {
  return proxy_error{code, status, std::move(reason)};
}

/// Rewrites the Route lines of `msg` to `values`, keeping their position.
void set_routes(message& msg, const std::vector<std::string>& values) {
  size_t pos = msg.headers.size();
  for (size_t i = 0; i < msg.headers.size(); ++i)
    if (matches(msg.headers[i], "Route")) {
      pos = i;
      break;
    }
  msg.remove("Route");
  if (pos > msg.headers.size())
    pos = msg.headers.size();
  message tmp;
  for (auto& v : values)
    tmp.add("Route", v);
  msg.headers.insert(msg.headers.begin() + static_cast<std::ptrdiff_t>(pos),
                     tmp.headers.begin(), tmp.headers.end());
}

bool creates_dialog(const message& req) {
  if (req.method != "INVITE" && req.method != "SUBSCRIBE" &&
      req.method != "REFER")
    return false;
  auto to = parse_name_addr(req.value_of("To"));
  return to && !to->tag();
}

} // namespace

bool proxy_identity::is_me(const uri& u) const {
  if (!u.is_sip())
    return false;
  uint16_t default_port = u.scheme == "sips" ? 5061 : 5060;
  if (u.port.value_or(default_port) != port)
    return false;
  if (iequals(u.host, host))
    return true;
  for (auto& alias : aliases)
    if (iequals(u.host, alias))
      return true;
  return false;
}

std::string proxy_identity::record_route() const {
  std::string param;
  if (iequals(transport, "TCP"))
    param = ";transport=tcp";
  else if (iequals(transport, "TLS"))
    param = ";transport=tls";
  return "<sip:" + host + ':' + std::to_string(port) + param + ";lr>";
}

expected<message, proxy_error> preprocess_route(message req,
                                                const proxy_identity& me) {
  std::vector<std::string> routes;
  for (auto v : req.values("Route"))
    routes.emplace_back(v);
  auto ruri = parse_uri(req.request_uri);
  if (!ruri)
    return unexpected(fail(proxy_errc::bad_header, 400, "Bad Request-URI"));
  bool changed = false;
  // §16.4: a Request-URI naming us means a strict router sent it; the real
  // Request-URI is the last Route value. Our Record-Route URI has no user
  // part, which tells it from an address-of-record at our domain.
  if (!ruri->has_user && me.is_me(*ruri) && !routes.empty()) {
    auto last = parse_name_addr(routes.back());
    if (!last)
      return unexpected(fail(proxy_errc::bad_header, 400, "Bad Route"));
    req.request_uri = last->uri_text;
    routes.pop_back();
    changed = true;
  }
  // §16.4: a top Route naming us is removed (loose routing).
  if (!routes.empty()) {
    auto top = parse_name_addr(routes.front());
    if (!top)
      return unexpected(fail(proxy_errc::bad_header, 400, "Bad Route"));
    if (me.is_me(top->uri)) {
      routes.erase(routes.begin());
      changed = true;
    }
  }
  if (changed)
    set_routes(req, routes);
  return req;
}

expected<message, proxy_error> prepare_forward(const message& req,
                                               std::string_view target,
                                               const proxy_identity& me,
                                               std::string_view branch,
                                               const proxy_identity* inbound) {
  // Step 1: copy (with §16.4 preprocessing).
  auto pre = preprocess_route(req, me);
  if (!pre)
    return pre;
  auto out = std::move(*pre);
  // Step 2: the Request-URI.
  if (!target.empty())
    out.request_uri = std::string{target};
  // Step 3: Max-Forwards.
  if (auto* mf = out.find(header_id::max_forwards)) {
    auto n = parse_max_forwards(mf->value);
    if (!n)
      return unexpected(fail(proxy_errc::bad_header, 400, "Bad Max-Forwards"));
    if (*n == 0)
      return unexpected(fail(proxy_errc::too_many_hops, 483, "Too Many Hops"));
    out.replace("Max-Forwards", std::to_string(*n - 1));
  } else {
    out.add("Max-Forwards", "70");
  }
  // Step 4: Record-Route, so that in-dialog requests come through us.
  if (creates_dialog(out)) {
    if (inbound && !iequals(inbound->transport, me.transport))
      out.push_front("Record-Route", inbound->record_route());
    out.push_front("Record-Route", me.record_route());
  }
  // Step 8: our Via on top.
  out.push_front("Via", "SIP/2.0/" + me.transport + ' ' + me.host + ':' +
                            std::to_string(me.port) +
                            ";branch=" + std::string{branch});
  return out;
}

expected<message, proxy_error> process_response(message resp,
                                                const proxy_identity& me) {
  size_t idx = resp.headers.size();
  for (size_t i = 0; i < resp.headers.size(); ++i)
    if (resp.headers[i].id == header_id::via) {
      idx = i;
      break;
    }
  if (idx == resp.headers.size())
    return unexpected(fail(proxy_errc::not_ours, 0, "No Via"));
  auto vias = parse_via(resp.headers[idx].value);
  if (!vias || vias->empty())
    return unexpected(fail(proxy_errc::bad_header, 0, "Bad Via"));
  auto& top = vias->front();
  uint16_t default_port = iequals(top.transport, "TLS") ? 5061 : 5060;
  bool host_ok = iequals(top.host, me.host);
  for (auto& alias : me.aliases)
    host_ok = host_ok || iequals(top.host, alias);
  if (!host_ok || top.port.value_or(default_port) != me.port)
    return unexpected(fail(proxy_errc::not_ours, 0, "Top Via not ours"));
  // Drop the first via-parm only: the line may hold several.
  message line;
  line.add("Via", resp.headers[idx].value);
  auto parts = line.values("Via");
  if (parts.size() <= 1) {
    resp.headers.erase(resp.headers.begin() + static_cast<std::ptrdiff_t>(idx));
  } else {
    std::string rest;
    for (size_t i = 1; i < parts.size(); ++i) {
      if (!rest.empty())
        rest += ", ";
      rest += parts[i];
    }
    resp.headers[idx].value = std::move(rest);
  }
  if (resp.count(header_id::via) == 0)
    return unexpected(fail(proxy_errc::for_us, 0, "No Via left"));
  return resp;
}

namespace {

// ACK and CANCEL of a forwarded INVITE share everything but the method and
// the To header (§9.1, §17.1.1.3).
message same_transaction(const message& inv, std::string_view method,
                         std::string_view to) {
  auto out = message::make_request(std::string{method}, inv.request_uri);
  auto vias = inv.values("Via");
  if (!vias.empty())
    out.add("Via", std::string{vias.front()});
  for (auto* r : inv.find_all("Route"))
    out.add("Route", r->value);
  out.add("Max-Forwards", "70");
  out.add("From", std::string{inv.value_of("From")});
  out.add("To", std::string{to});
  out.add("Call-ID", std::string{inv.value_of("Call-ID")});
  auto seq = parse_cseq(inv.value_of("CSeq"));
  out.add("CSeq",
          std::to_string(seq ? seq->number : 0) + " " + std::string{method});
  return out;
}

} // namespace

message make_ack(const message& inv, const message& resp) {
  return same_transaction(inv, "ACK", resp.value_of("To"));
}

message make_cancel(const message& inv) {
  return same_transaction(inv, "CANCEL", inv.value_of("To"));
}

} // namespace ivm::sip::proxy
