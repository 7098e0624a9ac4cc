#include "actors/client/outgoing.hpp"

#include <ctime>

#include "appliance/sip/core/uas_policy.hpp"
#include "appliance/sip/uri.hpp"

namespace ivm::actors {

namespace {

std::string http_date(std::uint64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string strip_brackets(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

} // namespace

std::optional<std::pair<sip_flow, net::endpoint>>
reach(const std::string& contact, std::uint8_t transport,
      const net::endpoint& source, const std::optional<sip_flow>& flow) {
  auto uri = sip::parse_uri(contact);
  if (!uri || !uri->is_sip())
    return std::nullopt;
  auto kind = static_cast<sip_transport_kind>(transport);
  if (kind == sip_transport_kind::udp) {
    net::endpoint dest;
    auto host = strip_brackets(uri->host);
    if (sip::is_ipv4_address(host) || sip::is_ipv6_address(host))
      dest = net::endpoint{host, uri->port.value_or(5060)};
    else
      dest = source; // a name we would have to resolve: use the source
    if (dest.host.empty() || dest.port == 0)
      return std::nullopt;
    return std::pair{sip_flow{sip_transport_kind::udp, 0, source}, dest};
  }
  if (!flow)
    return std::nullopt; // the connection is gone (no outbound connections)
  return std::pair{*flow, flow->remote};
}

std::string make_via(const client_config& cfg, sip_transport_kind kind) {
  const auto& self_ep = kind == sip_transport_kind::udp   ? cfg.udp_self
                        : kind == sip_transport_kind::tcp ? cfg.tcp_self
                                                          : cfg.tls_self;
  return "SIP/2.0/" + std::string{to_string(kind)} + " " +
         net::to_string(self_ep) + ";branch=z9hG4bK" + sip::core::random_tag() +
         ";rport";
}

std::optional<outgoing>
make_outgoing(const client_config& cfg, const storage::records::account& user,
              const storage::records::queued_message& msg,
              const std::string& contact, std::uint8_t transport,
              const net::endpoint& source,
              const std::optional<sip_flow>& flow) {
  auto where = reach(contact, transport, source, flow);
  if (!where)
    return std::nullopt;
  outgoing out;
  auto kind = static_cast<sip_transport_kind>(transport);
  out.flow = where->first;
  out.dest = where->second;
  auto& r = out.request;
  r.method = "MESSAGE";
  r.request_uri = contact;
  r.add("Via", make_via(cfg, kind));
  r.add("Max-Forwards", "70");
  r.add("From", msg.from + ";tag=" + sip::core::random_tag());
  auto to =
      msg.to.empty() ? "sip:" + user.extension + "@" + cfg.domain : msg.to;
  r.add("To", "<" + to + ">");
  r.add("Call-ID", msg.id + "@" + cfg.domain);
  r.add("CSeq", std::to_string(msg.attempts + 1) + " MESSAGE");
  r.add("Date", http_date(msg.date_s));
  r.add("User-Agent", cfg.server);
  r.add("Content-Type", msg.content_type);
  r.body = msg.body;
  return out;
}

std::optional<outgoing>
make_check_sync(const client_config& cfg, const storage::records::account& user,
                const std::string& event, const std::string& contact,
                std::uint8_t transport, const net::endpoint& source,
                const std::optional<sip_flow>& flow) {
  auto where = reach(contact, transport, source, flow);
  if (!where)
    return std::nullopt;
  outgoing out;
  out.flow = where->first;
  out.dest = where->second;
  auto& r = out.request;
  auto aor = "sip:" + user.extension + "@" + cfg.domain;
  r.method = "NOTIFY";
  r.request_uri = contact;
  r.add("Via", make_via(cfg, static_cast<sip_transport_kind>(transport)));
  r.add("Max-Forwards", "70");
  r.add("From", "<" + aor + ">;tag=" + sip::core::random_tag());
  r.add("To", "<" + aor + ">");
  r.add("Call-ID", sip::core::random_tag() + "@" + cfg.domain);
  r.add("CSeq", "1 NOTIFY");
  r.add("Event", event);
  r.add("Subscription-State", "terminated;reason=timeout");
  r.add("User-Agent", cfg.server);
  return out;
}

} // namespace ivm::actors
